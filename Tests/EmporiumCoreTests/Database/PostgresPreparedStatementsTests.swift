import EmporiumCore
import EmporiumTesting
import Foundation
import Logging
import Metrics
import SQLKit
import Testing

/// Statements run as named prepared statements on PostgreSQL (`PostgresSQLConnection`).
/// One connection, so every statement below meets the same connection's cache: what it
/// prepared is used again (PostgreSQL's own view counts the executions), a NULL bind and a
/// typed one do not share a preparation, a statement whose first preparation failed works
/// once it can, and a migration that changes what a cached `SELECT *` returns costs nothing
/// but a re-send.
@Suite struct PostgresPreparedStatementsTests {
    @Test func aStatementIsPreparedOnceAndUsedAgain() async throws {
        try await Self.withOneConnection { database in
            try await database.write { sql in
                try await sql.raw("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)").run()
            }
            for id in 0..<30 {
                try await database.writeStatement { sql in
                    try await sql.raw("INSERT INTO items (id, name) VALUES (\(bind: id), \(bind: "item \(id)"))").run()
                }
            }
            for id in 0..<30 {
                let name = try await database.read { sql in
                    try await sql.raw("SELECT name FROM items WHERE id = \(bind: id)").first()?.decode(column: "name", as: String.self)
                }
                #expect(name == "item \(id)")
            }
            let executions = try await database.read { sql in
                try await sql.raw("SELECT statement, generic_plans + custom_plans AS runs FROM pg_prepared_statements").all()
                    .map { (try $0.decode(column: "statement", as: String.self), try $0.decode(column: "runs", as: Int.self)) }
            }
            let runs = Dictionary(executions, uniquingKeysWith: +)
            #expect(runs["INSERT INTO items (id, name) VALUES ($1, $2)"] == 30)
            #expect(runs["SELECT name FROM items WHERE id = $1"] == 30)
            // DDL and transaction control are sent unnamed: nothing of theirs is kept.
            #expect(!runs.keys.contains { $0.hasPrefix("CREATE") || $0 == "BEGIN" || $0 == "COMMIT" })
        }
    }

    @Test func aNullBindAndATypedOneArePreparedApart() async throws {
        try await Self.withOneConnection { database in
            try await database.write { sql in
                try await sql.raw("CREATE TABLE notes (seq INTEGER PRIMARY KEY, n INTEGER)").run()
            }
            // A NULL first would prepare `n` as a type PostgreSQL infers (int4); the 8-byte
            // integers after it must not be bound to that preparation.
            let values: [Int?] = [nil, 5, nil, 7, 1 << 20]
            for (seq, value) in values.enumerated() {
                try await database.writeStatement { sql in
                    try await sql.raw("INSERT INTO notes (seq, n) VALUES (\(bind: seq), \(bind: value))").run()
                }
            }
            let stored = try await database.read { sql in
                try await sql.raw("SELECT n FROM notes ORDER BY seq").all().map { try $0.decode(column: "n", as: Int?.self) }
            }
            #expect(stored == values)
        }
    }

    @Test func aStatementThatFailedToPrepareWorksOnceItCan() async throws {
        try await Self.withOneConnection { database in
            // The table does not exist yet: preparing fails, and PostgresNIO would fail that
            // name on this connection for good.
            await #expect(throws: (any Error).self) {
                try await database.read { sql in try await sql.raw("SELECT count(*) AS n FROM later").first() }
            }
            // So does a statement first sent inside a transaction an error has aborted.
            await #expect(throws: (any Error).self) {
                try await database.write { sql in
                    do { try await sql.raw("SELECT 1 / 0 AS boom").run() } catch {}
                    try await sql.raw("SELECT count(*) AS n FROM pg_class WHERE relname = \(bind: "later")").run()
                }
            }
            try await database.write { sql in
                try await sql.raw("CREATE TABLE later (id INTEGER)").run()
                try await sql.raw("INSERT INTO later (id) VALUES (1), (2)").run()
            }
            let count = try await database.read { sql in
                try await sql.raw("SELECT count(*) AS n FROM later").first()?.decode(column: "n", as: Int.self)
            }
            #expect(count == 2)
            let found = try await database.read { sql in
                try await sql.raw("SELECT count(*) AS n FROM pg_class WHERE relname = \(bind: "later")").first()?.decode(column: "n", as: Int.self)
            }
            #expect(found == 1, "a statement works after its first preparation failed")
        }
    }

    @Test func aMigrationThatChangesACachedResultCostsOnlyAResend() async throws {
        try await Self.withOneConnection { database in
            try await database.write { sql in
                try await sql.raw("CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL)").run()
                try await sql.raw("INSERT INTO products (id, name) VALUES (1, 'kettle')").run()
            }
            @Sendable func columns(_ sql: any SQLDatabase) async throws -> [String] {
                try await sql.raw("SELECT * FROM products WHERE id = \(bind: 1)").first()?.allColumns ?? []
            }
            #expect(try await database.read(columns) == ["id", "name"])
            try await database.write { sql in
                try await sql.raw("ALTER TABLE products ADD COLUMN stock INTEGER NOT NULL DEFAULT 3").run()
            }
            // Outside a transaction the statement is sent again at once; inside one, the
            // transaction is run again (it was aborted).
            #expect(try await database.read(columns) == ["id", "name", "stock"])
            try await database.write { sql in
                try await sql.raw("ALTER TABLE products ADD COLUMN price INTEGER NOT NULL DEFAULT 100").run()
            }
            #expect(try await database.write(columns) == ["id", "name", "stock", "price"])
        }
    }

    /// A PostgreSQL database with a pool of one connection.
    private static func withOneConnection(_ body: @Sendable (PostgresDatabase) async throws -> Void) async throws {
        try PostgresHarness.skipUnlessAvailable()
        let url = try await PostgresHarness.makeDatabaseURL()
        let database = try PostgresDatabase(
            url: url, maximumConnections: 1, name: "test", metrics: NOOPMetricsHandler.instance, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            try await body(database)
        }
    }
}
