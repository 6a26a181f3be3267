public import SQLKit

public enum DatabaseKind: String, Sendable {
    case sqlite, postgres

    /// A `seq` primary key the database numbers in insertion order: exact creation order
    /// ("newest first") even within one millisecond, on both databases.
    public var sequenceColumn: String {
        switch self {
        case .postgres: "seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
        case .sqlite: "seq INTEGER PRIMARY KEY AUTOINCREMENT"
        }
    }
}

/// A service's database, SQLite or PostgreSQL, behind SQLKit so one store implementation
/// serves both. Reads and writes are separate on purpose: SQLite allows one writer at a
/// time, so `write` serialises writers in-process instead of letting them spin on locks.
public protocol Database: Sendable {
    var kind: DatabaseKind { get }

    /// Runs `body` on a connection for reads (or single statements that need no transaction).
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs `body` on a connection for reads, like `read`, for a read the caller knows is
    /// short: a few rows found through an index (a product by id, a page at a cursor). An
    /// implementation may run it on the calling thread instead of the database's own — on
    /// SQLite that saves a thread switch there and back — so never a scan (a search, a
    /// report): that would hold up the caller's thread, one of the pool's few, for its length.
    func lookup<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws
    /// (the original error is rethrown). `body` must only touch the database: an
    /// implementation may run it again after a transient failure (a deadlock victim).
    func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs `body`, which issues exactly one statement, as a transaction of its own. One
    /// statement is atomic by itself, so PostgreSQL runs it without BEGIN and COMMIT (one
    /// round trip instead of three); SQLite runs it as `write` does. Like `write`, it may be
    /// run again after a transient failure.
    func writeStatement<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T

    /// A trivial query, for readiness checks.
    func ping() async throws
}

extension Database {
    public func lookup<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await self.read(body)
    }

    public func writeStatement<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await self.write(body)
    }

    public func ping() async throws {
        try await self.read { sql in
            _ = try await sql.raw("SELECT 1 AS one").all()
        }
    }
}

/// Runs `body` between BEGIN and COMMIT on `sql`, rolling back on error.
func inTransaction<T: Sendable>(
    _ sql: any SQLDatabase,
    begin: String,
    _ body: @Sendable (any SQLDatabase) async throws -> T
) async throws -> T {
    try await sql.raw(SQLQueryString(begin)).run()
    do {
        let result = try await body(sql)
        try await sql.raw("COMMIT").run()
        return result
    } catch {
        try? await sql.raw("ROLLBACK").run()
        throw error
    }
}
