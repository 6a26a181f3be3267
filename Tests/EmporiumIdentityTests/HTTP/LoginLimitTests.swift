import EmporiumCore
@testable import EmporiumIdentity
import EmporiumTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Passwords bcrypt would truncate, control characters, and a lockout a burst cannot beat.
@Suite struct LoginLimitTests {
    @Test func aPasswordLongerThanSeventyTwoBytesNeverSignsIn() async throws {
        try await IdentityAPI.with { client in
            let password = String(repeating: "p", count: 72)
            let registered = try await client.register("ada@example.com", password: password)
            #expect(registered.status == .created)
            // bcrypt reads 72 bytes: without the check these would sign in.
            for longer in [password + "x", password + "é"] {
                let response = try await client.login("ada@example.com", password: longer)
                #expect(response.isProblem(.unauthorized))
            }
            let exact = try await client.login("ada@example.com", password: password)
            #expect(exact.status == .ok)
        }
    }

    @Test func anOverlongPasswordIsWrongWithoutBcrypt() async throws {
        try await SessionFixture.with { fixture in
            let before = fixture.hasher.verifyCount
            let status = await SessionFixture.status {
                try await fixture.sessions.login(email: "admin@example.com", password: String(repeating: "a", count: 73), clientAddress: nil)
            }
            #expect(status == 401)
            #expect(fixture.hasher.verifyCount == before)
        }
    }

    @Test(arguments: ["pass\u{0}word1", "pass\tword1", "password\n", "pass\u{7F}word1", "pass\u{85}word1", "\u{1B}[31mpassword"])
    func controlCharactersInPasswordsAreRefused(_ password: String) async throws {
        try await IdentityAPI.with { client in
            let response = try await client.register("ada@example.com", password: password)
            #expect(response.isProblem(.unprocessableContent))
            #expect(response.errorFields == ["password"])
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func aBurstOfWrongGuessesReachesBcryptAtMostTheLimit(_ kind: TestDatabaseKind) async throws {
        var settings = IdentityAPI.settings()
        settings.bcryptQueue = 1000  // this test is about the lockout, not the bcrypt queue
        try await SessionFixture.with(kind, settings: settings) { fixture in
            _ = try await fixture.sessions.register(email: "ada@example.com", password: "correct horse", name: "Ada")
            let before = fixture.hasher.verifyCount
            let statuses = await SessionFixture.burst(50) { index in
                try await fixture.sessions.login(email: "ada@example.com", password: "wrong guess \(index)", clientAddress: "10.0.0.1")
            }
            let reached = fixture.hasher.verifyCount - before
            #expect(reached == 10)
            #expect(statuses.filter { $0 == 401 }.count == reached)
            #expect(statuses.filter { $0 == 429 }.count == 50 - reached)
            // Locked even with the right password; another email is not.
            #expect(await SessionFixture.status { try await fixture.sessions.login(email: "ada@example.com", password: "correct horse", clientAddress: nil) } == 429)
            #expect(await SessionFixture.status { try await fixture.sessions.login(email: "admin@example.com", password: "admin-password", clientAddress: nil) } == 200)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func aBurstFromOneAddressReachesBcryptAtMostTheAddressLimit(_ kind: TestDatabaseKind) async throws {
        var settings = IdentityAPI.settings()
        settings.addressFailureLimit = 5
        settings.bcryptQueue = 1000
        try await SessionFixture.with(kind, settings: settings) { fixture in
            let before = fixture.hasher.verifyCount
            let statuses = await SessionFixture.burst(30) { index in
                try await fixture.sessions.login(email: "u\(index)@example.com", password: "wrong guess", clientAddress: "10.0.0.9")
            }
            #expect(fixture.hasher.verifyCount - before == 5)
            #expect(statuses.filter { $0 == 429 }.count == 25)
        }
    }

    @Test func aSuccessDoesNotCountAgainstTheAddress() async throws {
        var settings = IdentityAPI.settings()
        settings.addressFailureLimit = 3
        try await SessionFixture.with(settings: settings) { fixture in
            for _ in 0..<5 {
                let status = await SessionFixture.status {
                    try await fixture.sessions.login(email: "admin@example.com", password: "admin-password", clientAddress: "10.0.0.1")
                }
                #expect(status == 200)
            }
        }
    }
}
