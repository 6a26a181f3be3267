public import Logging
import Foundation
public import SQLKit

/// One versioned schema change. `statements` may differ per database where the dialects
/// do (identity columns, collations); everything else is shared SQL.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let statements: @Sendable (DatabaseKind) -> [String]

    public init(version: Int, name: String, statements: @escaping @Sendable (DatabaseKind) -> [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

/// Applies a service's migrations in version order, each once, recorded in
/// `schema_migrations` under the service's name (services may share a PostgreSQL database).
public enum Migrator {
    public static func migrate(_ database: any Database, service: String, migrations: [Migration], logger: Logger) async throws {
        let sorted = migrations.sorted { $0.version < $1.version }
        try await database.write { sql in
            if database.kind == .postgres {
                // Instances starting together take turns; the loser sees the winner's rows.
                try await sql.raw("SELECT pg_advisory_xact_lock(4242001)").run()
            }
            try await sql.raw(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    service TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    applied_at BIGINT NOT NULL,
                    PRIMARY KEY (service, version)
                )
                """
            ).run()
            let applied = Set(
                try await sql.select().column("version").from("schema_migrations")
                    .where("service", .equal, service)
                    .all().map { try $0.decode(column: "version", as: Int.self) }
            )
            for migration in sorted where !applied.contains(migration.version) {
                logger.info("Applying migration", metadata: ["service": "\(service)", "migration": "\(migration.version) \(migration.name)"])
                for statement in migration.statements(database.kind) {
                    try await sql.raw(SQLQueryString(statement)).run()
                }
                try await sql.insert(into: "schema_migrations")
                    .columns("service", "version", "name", "applied_at")
                    .values(SQLBind(service), SQLBind(migration.version), SQLBind(migration.name), SQLBind(Timestamp.micros(.now)))
                    .run()
            }
        }
    }
}
