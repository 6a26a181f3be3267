import EmporiumCore
import EmporiumTesting
import Foundation
import SQLKit
import Testing

/// `Database.writeStatement`: one statement as a transaction of its own (on PostgreSQL
/// without BEGIN/COMMIT). What callers rely on: it is committed once it returns, concurrent
/// claims of one key have exactly one winner, and a failing statement throws, leaves nothing
/// behind and leaves the connection usable.
@Suite struct WriteStatementTests {
    @Test(arguments: TestDatabaseKind.allCases)
    func aSingleStatementCommitsOnItsOwn(_ kind: TestDatabaseKind) async throws {
        _ = try await TestDatabase.with(kind) { database in
            try await database.write { sql in
                try await sql.raw("CREATE TABLE claims (name TEXT PRIMARY KEY, n INTEGER NOT NULL)").run()
            }
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 0..<50 {
                    group.addTask {
                        try await database.writeStatement { sql in
                            try await sql.raw("INSERT INTO claims (name, n) VALUES ('a', \(bind: n)) ON CONFLICT (name) DO NOTHING RETURNING n").first() != nil
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
            // NOT NULL violated: the statement fails whole and the caller hears of it.
            await #expect(throws: (any Error).self) {
                try await database.writeStatement { sql in
                    try await sql.raw("INSERT INTO claims (name, n) VALUES ('b', 1), ('c', NULL)").run()
                }
            }
            // Every connection still works (none left inside an aborted transaction).
            for n in 0..<20 {
                try await database.writeStatement { sql in
                    try await sql.raw("INSERT INTO claims (name, n) VALUES (\(bind: "d\(n)"), \(bind: n))").run()
                }
            }
            let names = try await database.read { sql in
                try await sql.raw("SELECT name FROM claims WHERE name IN ('a', 'b', 'c', 'd0', 'd19') ORDER BY name").all()
                    .map { try $0.decode(column: "name", as: String.self) }
            }
            #expect(names == ["a", "d0", "d19"])
        }
    }
}
