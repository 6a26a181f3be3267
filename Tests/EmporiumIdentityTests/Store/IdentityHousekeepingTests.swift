import Configuration
import EmporiumCore
@testable import EmporiumIdentity
import EmporiumTesting
import Foundation
import HTTPTypes
import Testing

/// Limits and housekeeping: overlong emails, purging, refresh rotation in one transaction,
/// and bcrypt costs below 10 only in test mode.
@Suite struct IdentityHousekeepingTests {
    static let longEmail = String(repeating: "a", count: 64) + "@" + String(repeating: "b", count: 190) + ".com"  // 259 bytes

    @Test func anOverlongEmailIsRefusedBeforeTheStoreAndBcrypt() async throws {
        #expect(Self.longEmail.utf8.count > 254)
        try await SessionFixture.with { fixture in
            let verifies = fixture.hasher.verifyCount
            let status = await SessionFixture.status {
                try await fixture.sessions.login(email: Self.longEmail, password: "password1", clientAddress: "10.0.0.1")
            }
            #expect(status == 401)
            #expect(fixture.hasher.verifyCount == verifies)
            // Not even an attempt row: the store was never asked.
            let attemptRows = try await fixture.rows(in: "login_failures")
            #expect(attemptRows == 0)

            let problem = await #expect(throws: IdentityError.self) {
                try await fixture.sessions.register(email: Self.longEmail, password: "password1", name: "Long")
            }
            #expect(problem?.problem.status == .unprocessableContent)
            #expect(problem?.problem.errors.map(\.field) == ["email"])
            let users = try await fixture.rows(in: "users")
            #expect(users == 1)  // the admin only
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func expiredAttemptsAndRefreshTokensArePurged(_ kind: TestDatabaseKind) async throws {
        try await SessionFixture.with(kind) { fixture in
            let store = fixture.store
            let adminId = try await fixture.adminId()
            let now = Date()
            let old = now.addingTimeInterval(-3600)
            _ = try await store.reserveAttempt(id: "att_old", limits: [AttemptLimit(subject: "email:x", limit: 10)], now: old, since: old.addingTimeInterval(-900))
            _ = try await store.reserveAttempt(id: "att_new", limits: [AttemptLimit(subject: "email:y", limit: 10)], now: now, since: now.addingTimeInterval(-900))
            try await store.insertRefreshToken(hash: "expired", familyId: "fam_1", userId: adminId, now: old, expiresAt: now.addingTimeInterval(-1))
            try await store.insertRefreshToken(hash: "live", familyId: "fam_2", userId: adminId, now: now, expiresAt: now.addingTimeInterval(3600))
            #expect(try await store.rotateRefreshToken(hash: "live", successorHash: "live-next", now: now, expiresAt: now.addingTimeInterval(3600)) == .rotated(userId: adminId, familyId: "fam_2"))

            let purged = try await store.purgeExpired(attemptsBefore: now.addingTimeInterval(-900), now: now)
            #expect(purged == 2)
            let attemptRows = try await fixture.rows(in: "login_failures")
            #expect(attemptRows == 1)
            // The spent-but-unexpired token stays: it still proves reuse if it comes back.
            let tokenRows = try await fixture.rows(in: "refresh_tokens")
            #expect(tokenRows == 2)
            #expect(try await store.rotateRefreshToken(hash: "expired", successorHash: "never", now: now, expiresAt: now) == .invalid)
        }
    }

    @Test func theIdentityUnitRunsThePurger() async throws {
        _ = try await TestDatabase.with(.sqlite) { database in
            let unit = IdentityService.unit(database: database, settings: IdentityAPI.settings())
            #expect(unit.background.contains { $0 is IdentityPurgeWorker })
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func aFailedRotationLeavesTheOldTokenLive(_ kind: TestDatabaseKind) async throws {
        try await SessionFixture.with(kind) { fixture in
            let store = fixture.store
            let adminId = try await fixture.adminId()
            let now = Date()
            let later = now.addingTimeInterval(3600)
            try await store.insertRefreshToken(hash: "first", familyId: "fam_1", userId: adminId, now: now, expiresAt: later)
            try await store.insertRefreshToken(hash: "taken", familyId: "fam_2", userId: adminId, now: now, expiresAt: later)
            // The successor cannot be inserted (its hash is taken): the spend must roll back.
            await #expect(throws: (any Error).self) {
                try await store.rotateRefreshToken(hash: "first", successorHash: "taken", now: now, expiresAt: later)
            }
            #expect(try await store.rotateRefreshToken(hash: "first", successorHash: "second", now: now, expiresAt: later) == .rotated(userId: adminId, familyId: "fam_1"))
            // And the successor exists, live, in the same family.
            #expect(try await store.rotateRefreshToken(hash: "second", successorHash: "third", now: now, expiresAt: later) == .rotated(userId: adminId, familyId: "fam_1"))
        }
    }

    static func settings(_ environment: [String: String]) throws -> IdentitySettings {
        try IdentitySettings(reader: SettingsReader(emporium: ServerSettings.reader(flags: [:], environment: environment)))
    }

    @Test func bcryptCostsBelowTenNeedTestMode() throws {
        #expect(throws: ConfigurationError.self) { try Self.settings(["EMPORIUM_BCRYPT_COST": "4"]) }
        #expect(throws: ConfigurationError.self) { try Self.settings(["EMPORIUM_BCRYPT_COST": "9", "EMPORIUM_TEST_MODE": "0"]) }
        #expect(try Self.settings(["EMPORIUM_BCRYPT_COST": "4", "EMPORIUM_TEST_MODE": "1"]).bcryptCost == 4)
        #expect(try Self.settings(["EMPORIUM_BCRYPT_COST": "12"]).bcryptCost == 12)
        #expect(try Self.settings([:]).bcryptCost == 10)
        #expect(throws: ConfigurationError.self) { try Self.settings(["EMPORIUM_BCRYPT_COST": "3", "EMPORIUM_TEST_MODE": "1"]) }
    }

    @Test func limitSettingsAreRead() throws {
        let settings = try Self.settings([
            "EMPORIUM_REGISTER_ADDRESS_LIMIT": "7", "EMPORIUM_BCRYPT_CONCURRENCY": "3", "EMPORIUM_BCRYPT_QUEUE": "11",
        ])
        #expect(settings.registerAddressLimit == 7 && settings.bcryptConcurrency == 3 && settings.bcryptQueue == 11)
        #expect(IdentitySettings().registerAddressLimit == 20)
    }
}
