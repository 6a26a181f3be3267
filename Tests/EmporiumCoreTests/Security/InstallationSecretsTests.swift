import Crypto
import EmporiumCore
import EmporiumTesting
import Foundation
import Logging
import Testing

/// Per-installation secrets: created once, shared by every instance over one database,
/// kept across restarts, distinct per name.
@Suite struct InstallationSecretsTests {
    static func migrated(_ database: any Database) async throws {
        try await Migrator.migrate(
            database, service: "secrets-test", migrations: [InstallationSecrets.migration(version: 1)], logger: Logger(label: "test")
        )
    }

    static func bytes(_ key: SymmetricKey) -> Data {
        key.withUnsafeBytes { Data($0) }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func instancesAgreeAndSecretsSurvive(_ kind: TestDatabaseKind) async throws {
        _ = try await TestDatabase.with(kind) { database in
            try await Self.migrated(database)
            let first = InstallationSecrets(database: database)
            let second = InstallationSecrets(database: database)
            // Both instances ask at once: one insert wins and both read the winner's row.
            async let a = first.key(named: "cursor")
            async let b = second.key(named: "cursor")
            let (keyA, keyB) = try await (a, b)
            #expect(Self.bytes(keyA).count == 32)
            #expect(Self.bytes(keyA) == Self.bytes(keyB))
            // A restarted instance (empty memory) reads the same secret back.
            let restarted = InstallationSecrets(database: database)
            #expect(Self.bytes(try await restarted.key(named: "cursor")) == Self.bytes(keyA))
            // Another purpose gets its own secret.
            let other = try await restarted.key(named: "fingerprint")
            #expect(Self.bytes(other) != Self.bytes(keyA))
            #expect(Self.bytes(try await first.key(named: "fingerprint")) == Self.bytes(other))
        }
    }

    /// Services sharing one database (as the tests and a shared PostgreSQL do) each list the
    /// migration; the second must not fail.
    @Test(arguments: TestDatabaseKind.allCases)
    func twoServicesOnOneDatabaseBothMigrate(_ kind: TestDatabaseKind) async throws {
        _ = try await TestDatabase.with(kind) { database in
            try await Self.migrated(database)
            try await Migrator.migrate(
                database, service: "other-service", migrations: [InstallationSecrets.migration(version: 7)], logger: Logger(label: "test")
            )
            #expect(Self.bytes(try await InstallationSecrets(database: database).key(named: "cursor")).count == 32)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func separateInstallationsHaveDifferentSecrets(_ kind: TestDatabaseKind) async throws {
        let one = try await TestDatabase.with(kind) { database in
            try await Self.migrated(database)
            return Self.bytes(try await InstallationSecrets(database: database).key(named: "cursor"))
        }
        let two = try await TestDatabase.with(kind) { database in
            try await Self.migrated(database)
            return Self.bytes(try await InstallationSecrets(database: database).key(named: "cursor"))
        }
        if let one, let two {
            #expect(one != two)
        }
    }
}
