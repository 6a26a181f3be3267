public import Crypto
import Foundation
import SQLKit
import Synchronization

/// Random secrets per installation, one per purpose, kept in the owning service's own database so every instance of that service shares them.
///
/// A secret is never configured by hand: the first instance to need one creates it, and
/// every later instance (or restart) reads the same row, so values signed by one instance
/// (cursors, fingerprints) verify on all of them.
public final class InstallationSecrets: Sendable {
    private let database: any Database
    /// Secrets never change once written, so each is read from the database once per process.
    private let cache = Mutex<[String: SymmetricKey]>([:])

    public init(database: any Database) {
        self.database = database
    }

    /// The table, for the owning service's migrations (CREATE TABLE installation_secrets (name TEXT PRIMARY KEY, secret TEXT NOT NULL, created_at BIGINT NOT NULL)).
    ///
    /// `IF NOT EXISTS`: services that share one database (tests, a single PostgreSQL
    /// database for several services) each list this migration, and the first one creates it.
    public static func migration(version: Int) -> Migration {
        Migration(version: version, name: "installation secrets") { _ in
            [
                """
                CREATE TABLE IF NOT EXISTS installation_secrets (
                    name TEXT PRIMARY KEY,
                    secret TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """
            ]
        }
    }

    /// The secret named `name` (32 random bytes), created on first use (INSERT … ON CONFLICT DO NOTHING, then SELECT, so concurrent instances agree) and cached in memory after.
    public func key(named name: String) async throws -> SymmetricKey {
        if let cached = self.cache.withLock({ $0[name] }) {
            return cached
        }
        // A fresh candidate; if another instance (or task) got there first, its row wins.
        let candidate = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        let stamp = Timestamp.micros(.now)
        let stored = try await self.database.write { sql in
            try await sql.raw(
                """
                INSERT INTO installation_secrets (name, secret, created_at)
                VALUES (\(bind: name), \(bind: candidate), \(bind: stamp))
                ON CONFLICT (name) DO NOTHING
                """
            ).run()
            guard let row = try await sql.raw("SELECT secret FROM installation_secrets WHERE name = \(bind: name)").first() else {
                throw InstallationSecretsError.missing(name: name)
            }
            return try row.decode(column: "secret", as: String.self)
        }
        guard let bytes = Data(base64Encoded: stored), bytes.count == 32 else {
            throw InstallationSecretsError.malformed(name: name)
        }
        let key = SymmetricKey(data: bytes)
        return self.cache.withLock { cache in
            if let existing = cache[name] { return existing }
            cache[name] = key
            return key
        }
    }
}

/// A secret row that vanished right after its insert, or holds something other than
/// 32 base64 bytes: the database was edited by hand; nothing here can repair that.
public enum InstallationSecretsError: Error, CustomStringConvertible {
    case missing(name: String)
    case malformed(name: String)

    public var description: String {
        switch self {
        case .missing(let name): "installation secret \(name) is missing after its insert"
        case .malformed(let name): "installation secret \(name) is not 32 base64-encoded bytes"
        }
    }
}
