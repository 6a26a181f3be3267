import EmporiumCore
import Foundation
import Logging
import Metrics
import SQLKit
import Testing

/// The embedded driver (one thread per connection, statements cached by text): values go in
/// and come out as they were, errors are the ones stores recognise, and a cached statement
/// follows a schema change.
@Suite struct SQLiteDriverTests {
    static func withDatabase(_ body: (SQLiteDatabase) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-driver-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try await SQLiteDatabase.open(path: directory + "/test.sqlite", name: "test", metrics: NOOPMetricsHandler.instance, logger: Logger(label: "test"))
        do {
            try await body(database)
        } catch {
            try await database.close()
            throw error
        }
        try await database.close()
    }

    struct Row: Codable, Equatable {
        var id: Int
        var text: String?
        var blob: Data?
        var real: Double?
    }

    @Test func valuesRoundTripExactly() async throws {
        try await Self.withDatabase { database in
            let rows = [
                Row(id: 1, text: "", blob: Data(), real: 0),
                Row(id: 2, text: "nul\u{0}inside, ünïcödé ✓", blob: Data([0, 1, 255]), real: -1.5),
                Row(id: 3, text: nil, blob: nil, real: nil),
            ]
            try await database.write { sql in
                try await sql.raw("CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT, blob BLOB, real REAL)").run()
                for row in rows {
                    try await sql.raw("INSERT INTO t (id, text, blob, real) VALUES (\(bind: row.id), \(bind: row.text), \(bind: row.blob), \(bind: row.real))").run()
                }
            }
            let read = try await database.read { sql in try await sql.raw("SELECT * FROM t ORDER BY id").all(decoding: Row.self) }
            #expect(read == rows)
            // An empty text and an empty blob are values, not NULL.
            let nulls = try await database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM t WHERE text IS NULL OR blob IS NULL").first()?.decode(column: "n", as: Int.self)
            }
            #expect(nulls == 1)
        }
    }

    @Test func aUniqueViolationIsRecognisedAndRollsBack() async throws {
        try await Self.withDatabase { database in
            try await database.write { sql in try await sql.raw("CREATE TABLE u (k TEXT PRIMARY KEY, v TEXT UNIQUE)").run() }
            try await database.write { sql in try await sql.raw("INSERT INTO u VALUES ('a', 'x')").run() }
            for statement in ["INSERT INTO u VALUES ('a', 'y')", "INSERT INTO u VALUES ('b', 'x')"] {
                let error = await #expect(throws: (any Error).self) {
                    try await database.write { sql in
                        try await sql.raw("INSERT INTO u VALUES ('c', 'z')").run()
                        try await sql.raw(SQLQueryString(statement)).run()
                    }
                }
                #expect(error.map(DatabaseErrors.isUniqueViolation) == true, "\(String(describing: error))")
            }
            // Both transactions rolled back whole: 'c' is not there.
            let count = try await database.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM u").first()?.decode(column: "n", as: Int.self) }
            #expect(count == 1)
            // The writer is usable after a failed transaction.
            try await database.write { sql in try await sql.raw("INSERT INTO u VALUES ('d', 'w')").run() }
        }
    }

    @Test func aCachedStatementSeesASchemaChange() async throws {
        try await Self.withDatabase { database in
            try await database.write { sql in
                try await sql.raw("CREATE TABLE s (a INTEGER)").run()
                try await sql.raw("INSERT INTO s VALUES (1)").run()
            }
            for _ in 0..<2 {  // on the writer too, where the cached statement lives
                let columns = try await database.write { sql in try await sql.raw("SELECT * FROM s").first()?.allColumns }
                #expect(columns == ["a"])
            }
            try await database.write { sql in try await sql.raw("ALTER TABLE s ADD COLUMN b TEXT DEFAULT 'new'").run() }
            let row = try await database.write { sql in try await sql.raw("SELECT * FROM s").first() }
            #expect(row?.allColumns == ["a", "b"])
            #expect(try row?.decode(column: "b", as: String.self) == "new")
        }
    }

    @Test func twoStatementsInOneCallAreRefusedNotHalfRun() async throws {
        try await Self.withDatabase { database in
            try await database.write { sql in try await sql.raw("CREATE TABLE m (a INTEGER)").run() }
            await #expect(throws: SQLiteFailure.self) {
                try await database.write { sql in try await sql.raw("INSERT INTO m VALUES (1); INSERT INTO m VALUES (2)").run() }
            }
            let count = try await database.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM m").first()?.decode(column: "n", as: Int.self) }
            #expect(count == 0)
        }
    }

    @Test func manyCallersShareTheConnectionsAndAClosedDatabaseRefuses() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-driver-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try await SQLiteDatabase.open(path: directory + "/c.sqlite", readers: 2, name: "test", metrics: NOOPMetricsHandler.instance, logger: Logger(label: "test"))
        try await database.write { sql in try await sql.raw("CREATE TABLE c (n INTEGER)").run() }
        // 200 writers and 200 readers at once, more than the connections: every write lands.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { try await database.write { sql in try await sql.raw("INSERT INTO c VALUES (\(bind: index))").run() } }
                group.addTask { _ = try await database.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM c").all() } }
                // Lookups run on the caller's thread but on the same reader connections, one
                // caller each: they see only committed rows, never a half-run statement.
                group.addTask {
                    _ = try await database.lookup { sql in try await sql.raw("SELECT n FROM c WHERE n = \(bind: index)").all() }
                }
            }
            try await group.waitForAll()
        }
        let sum = try await database.read { sql in try await sql.raw("SELECT SUM(n) AS s FROM c").first()?.decode(column: "s", as: Int.self) }
        #expect(sum == (0..<200).reduce(0, +))
        // Once every write is in: 200 lookups at once on 2 connections each find their row,
        // exactly once (a connection used by two callers at once would mix their statements).
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let found = try await database.lookup { sql in
                        try await sql.raw("SELECT n FROM c WHERE n = \(bind: index)").all().map { try $0.decode(column: "n", as: Int.self) }
                    }
                    #expect(found == [index])
                }
            }
            try await group.waitForAll()
        }
        try await database.close()
        try await database.close()  // a second close is harmless
        await #expect(throws: (any Error).self) { try await database.read { sql in try await sql.raw("SELECT 1 AS one").all() } }
        await #expect(throws: (any Error).self) { try await database.lookup { sql in try await sql.raw("SELECT 1 AS one").all() } }
    }
}
