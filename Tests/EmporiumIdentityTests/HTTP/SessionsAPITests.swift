import EmporiumCore
@testable import EmporiumIdentity
import EmporiumTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import Hummingbird
import Logging
import NIOCore

@Suite struct SessionsAPITests {
    @Test(arguments: TestDatabaseKind.allCases)
    func refreshRotatesAndReuseRevokesTheFamily(_ kind: TestDatabaseKind) async throws {
        try await IdentityAPI.with(kind) { client in
            let first = try await client.register("ada@example.com").decode(API.Session.self).refreshToken
            let second = try await client.post("/api/v1/auth/refresh", ["refreshToken": first])
            #expect(second.status == .ok)
            let secondToken = try second.decode(API.Session.self).refreshToken
            #expect(secondToken != first)
            let third = try await client.post("/api/v1/auth/refresh", ["refreshToken": secondToken]).decode(API.Session.self).refreshToken

            // The spent first token comes back: reuse. The whole family is revoked.
            #expect(try await client.post("/api/v1/auth/refresh", ["refreshToken": first]).isProblem(.unauthorized))
            #expect(try await client.post("/api/v1/auth/refresh", ["refreshToken": third]).isProblem(.unauthorized))

            // Another login is another family, unaffected.
            let other = try await client.login("ada@example.com", password: "correct horse").decode(API.Session.self).refreshToken
            #expect(try await client.post("/api/v1/auth/refresh", ["refreshToken": other]).status == .ok)
        }
    }

    @Test func concurrentRefreshesOfOneTokenSucceedOnce() async throws {
        try await IdentityAPI.with { client in
            let token = try await client.register("ada@example.com").decode(API.Session.self).refreshToken
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await client.post("/api/v1/auth/refresh", ["refreshToken": token]).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
        }
    }

    @Test func logoutRevokesTheFamilyAndAnswers204EvenForUnknownTokens() async throws {
        try await IdentityAPI.with { client in
            let token = try await client.register("ada@example.com").decode(API.Session.self).refreshToken
            let next = try await client.post("/api/v1/auth/refresh", ["refreshToken": token]).decode(API.Session.self).refreshToken
            #expect(try await client.post("/api/v1/auth/logout", ["refreshToken": next]).status == .noContent)
            #expect(try await client.post("/api/v1/auth/refresh", ["refreshToken": next]).isProblem(.unauthorized))
            #expect(try await client.post("/api/v1/auth/logout", ["refreshToken": "unknown"]).status == .noContent)
            #expect(try await client.post("/api/v1/auth/logout", ["nope": 1]).isProblem(.badRequest))
            #expect(try await client.post("/api/v1/auth/refresh", ["refreshToken": "garbage"]).isProblem(.unauthorized))
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func tenFailuresLockTheEmailOutEvenWithTheRightPassword(_ kind: TestDatabaseKind) async throws {
        try await IdentityAPI.with(kind) { client in
            _ = try await client.register("ada@example.com")
            _ = try await client.register("bob@example.com")
            for _ in 0..<10 {
                #expect(try await client.login("ADA@example.com", password: "wrong password").isProblem(.unauthorized))
            }
            let locked = try await client.login("ada@example.com", password: "correct horse")
            #expect(locked.isProblem(.tooManyRequests))
            let retryAfter = try #require(locked.headers[.retryAfter].flatMap(Int.init))
            #expect((1...900).contains(retryAfter))
            // Other emails are unaffected.
            #expect(try await client.login("bob@example.com", password: "correct horse").status == .ok)
        }
    }

    @Test func aSuccessfulLoginClearsEarlierFailures() async throws {
        try await IdentityAPI.with { client in
            _ = try await client.register("ada@example.com")
            for _ in 0..<9 { _ = try await client.login("ada@example.com", password: "wrong password") }
            #expect(try await client.login("ada@example.com", password: "correct horse").status == .ok)
            for _ in 0..<9 { _ = try await client.login("ada@example.com", password: "wrong password") }
            #expect(try await client.login("ada@example.com", password: "correct horse").status == .ok)
        }
    }

    @Test func perAddressLimitApplies() async throws {
        let settings = {
            var settings = IdentityAPI.settings()
            settings.addressFailureLimit = 3
            return settings
        }()
        // Router tests have no peer address, so the address limit is exercised on the service.
        _ = try await TestDatabase.with(.sqlite) { database in
            let store = SQLIdentityStore(database: database)
            try await Migrator.migrate(database, service: "identity", migrations: IdentityMigrations.all, logger: .init(label: "test"))
            let sessions = Sessions(store: store, keys: KeyRing(store: store, accessTokenTTL: .seconds(900)), hasher: PasswordHasher(cost: 4), settings: settings)
            try await sessions.prepare(logger: .init(label: "test"))
            for index in 0..<3 {
                await #expect(throws: IdentityError.self) { try await sessions.login(email: "u\(index)@example.com", password: "whatever1", clientAddress: "10.0.0.1") }
            }
            let problem = await #expect(throws: IdentityError.self) {
                try await sessions.login(email: "admin@example.com", password: "admin-password", clientAddress: "10.0.0.1")
            }
            #expect(problem?.problem.status == .tooManyRequests)
            _ = try await sessions.login(email: "admin@example.com", password: "admin-password", clientAddress: "10.0.0.2")
        }
    }
}
