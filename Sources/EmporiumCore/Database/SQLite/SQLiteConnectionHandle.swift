import CEmporiumSQLite
import NIOCore
import SQLiteNIO

/// One SQLite connection, driven synchronously on the calling thread, with its prepared
/// statements cached by SQL text.
///
/// Why not SQLiteNIO's connection: it sends every statement to a thread pool and resumes
/// the caller on another thread — two thread switches per statement, ~60 per checkout —
/// and prepares each statement anew; together that was a third of a checkout's CPU
/// (benchmarks/README.md, "Throughput"). Here each statement runs at once on the calling
/// thread — the connection's own `SQLiteThread`, where `SQLiteDatabase` runs a whole
/// transaction.
///
/// Not thread-safe: one caller at a time, which `SQLiteDatabase`'s connection queues
/// guarantee (SQLite's multi-thread mode: a connection may move between threads, never be
/// used by two at once).
final class SQLiteConnectionHandle: @unchecked Sendable {
    private let db: OpaquePointer
    private var statements: [String: PreparedStatement] = [:]
    private var isClosed = false

    /// Enough for every distinct statement the stores run; when a burst of one-off texts
    /// (IN lists of every length) fills it, it starts over.
    private static let cacheLimit = 512

    private init(db: OpaquePointer) {
        self.db = db
    }

    private static let initialized: Int32 = sqlite_nio_sqlite3_initialize()

    static func open(path: String) throws -> SQLiteConnectionHandle {
        guard Self.initialized == SQLiteResult.ok else {
            throw SQLiteFailure(code: Self.initialized, message: "sqlite3_initialize failed")
        }
        var db: OpaquePointer?
        let flags = SQLiteOpenFlags.readWrite | SQLiteOpenFlags.create | SQLiteOpenFlags.noMutex | SQLiteOpenFlags.extendedResultCodes
        let opened = sqlite_nio_sqlite3_open_v2(path, &db, flags, nil)
        guard let db else {
            throw SQLiteFailure(code: opened, message: "cannot open \(path): out of memory")
        }
        guard opened == SQLiteResult.ok else {
            let failure = SQLiteFailure(code: opened, message: "cannot open \(path): \(String(cString: sqlite_nio_sqlite3_errmsg(db)))")
            sqlite_nio_sqlite3_close_v2(db)
            throw failure
        }
        return SQLiteConnectionHandle(db: db)
    }

    /// Runs one statement: binds `binds` to its `?` placeholders and hands each result row
    /// to `onRow` as it is stepped.
    func execute(_ sql: String, _ binds: [SQLiteData], _ onRow: (SQLiteResultRow) throws -> Void) throws {
        guard !self.isClosed else { throw SQLiteFailure(code: SQLiteResult.misuse, message: "connection closed") }
        let statement = try self.prepared(sql)
        let raw = statement.raw
        defer {
            sqlite_nio_sqlite3_reset(raw)
            sqlite_nio_sqlite3_clear_bindings(raw)
            if !statement.isCached { sqlite_nio_sqlite3_finalize(raw) }
        }
        for (offset, value) in binds.enumerated() {
            try self.check(Self.bind(value, at: Int32(offset + 1), to: raw))
        }
        while true {
            let stepped = sqlite_nio_sqlite3_step(raw)
            if stepped == SQLiteResult.done { break }
            guard stepped == SQLiteResult.row else { try self.check(stepped); break }
            try onRow(SQLiteResultRow(columns: statement.columns, values: Self.values(of: raw, count: statement.columns.names.count)))
        }
        // Schema changes and pragmas are not cached and may change what a cached `SELECT *`
        // returns: start the cache over after one (they run at start-up, not per request).
        if !statement.isCached { self.finalizeAll() }
    }

    /// Finalizes every statement and closes the connection; idempotent.
    func close() {
        guard !self.isClosed else { return }
        self.isClosed = true
        self.finalizeAll()
        sqlite_nio_sqlite3_close_v2(self.db)
    }

    deinit {
        self.close()
    }

    // MARK: Statements

    private struct PreparedStatement {
        let raw: OpaquePointer
        let columns: SQLiteColumnNames
        let isCached: Bool
    }

    private func prepared(_ sql: String) throws -> PreparedStatement {
        if let cached = self.statements[sql] { return cached }
        let cacheable = Self.isCacheable(sql)
        var raw: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let prepared = sql.withCString { text in
            let code = sqlite_nio_sqlite3_prepare_v3(self.db, text, -1, cacheable ? SQLitePrepareFlags.persistent : 0, &raw, &tail)
            // Anything but blanks after the first statement would be silently skipped: refuse it.
            if code == SQLiteResult.ok, let tail, !String(cString: tail).allSatisfy({ $0.isWhitespace || $0 == ";" }) {
                return SQLiteResult.misuseMultipleStatements
            }
            return code
        }
        guard prepared == SQLiteResult.ok, let raw else {
            if let raw { sqlite_nio_sqlite3_finalize(raw) }
            if prepared == SQLiteResult.misuseMultipleStatements {
                throw SQLiteFailure(code: SQLiteResult.misuse, message: "one statement per call: \(sql)")
            }
            throw self.failure(prepared)
        }
        let count = sqlite_nio_sqlite3_column_count(raw)
        let names = (0..<count).map { column in
            sqlite_nio_sqlite3_column_name(raw, column).map { String(cString: $0) } ?? ""
        }
        let statement = PreparedStatement(raw: raw, columns: SQLiteColumnNames(names), isCached: cacheable)
        if cacheable {
            if self.statements.count >= Self.cacheLimit { self.finalizeAll() }
            self.statements[sql] = statement
        }
        return statement
    }

    /// Statements a request runs again and again; not schema changes or pragmas.
    private static func isCacheable(_ sql: String) -> Bool {
        let head = sql.prefix { !$0.isWhitespace && $0 != "(" }.uppercased()
        return ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "REPLACE", "BEGIN", "COMMIT", "ROLLBACK"].contains(head)
    }

    private func finalizeAll() {
        for statement in self.statements.values { sqlite_nio_sqlite3_finalize(statement.raw) }
        self.statements.removeAll()
    }

    // MARK: Values

    private static func bind(_ value: SQLiteData, at index: Int32, to statement: OpaquePointer) -> Int32 {
        switch value {
        case .null:
            return sqlite_nio_sqlite3_bind_null(statement, index)
        case .integer(let integer):
            return sqlite_nio_sqlite3_bind_int64(statement, index, Int64(integer))
        case .float(let double):
            return sqlite_nio_sqlite3_bind_double(statement, index, double)
        case .text(let text):
            // withCString never hands over a null pointer (which SQLite would bind as NULL),
            // and the explicit length keeps any NUL inside the text.
            return text.withCString { emporium_sqlite3_bind_text(statement, index, $0, Int32(text.utf8.count)) }
        case .blob(let buffer):
            return buffer.withUnsafeReadableBytes { bytes in
                guard let base = bytes.baseAddress, bytes.count > 0 else {
                    // An empty blob, not NULL: SQLite binds a null pointer as NULL.
                    return withUnsafeBytes(of: UInt8(0)) { emporium_sqlite3_bind_blob(statement, index, $0.baseAddress, 0) }
                }
                return emporium_sqlite3_bind_blob(statement, index, base, Int32(bytes.count))
            }
        }
    }

    private static func values(of statement: OpaquePointer, count: Int) -> [SQLiteData] {
        var values: [SQLiteData] = []
        values.reserveCapacity(count)
        for column in 0..<Int32(count) {
            switch sqlite_nio_sqlite3_column_type(statement, column) {
            case SQLiteColumnType.integer:
                values.append(.integer(SQLiteInt64(sqlite_nio_sqlite3_column_int64(statement, column))))
            case SQLiteColumnType.float:
                values.append(.float(sqlite_nio_sqlite3_column_double(statement, column)))
            case SQLiteColumnType.text:
                // Text pointer first, then its length (SQLite's documented order).
                let text = sqlite_nio_sqlite3_column_text(statement, column)
                let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                values.append(.text(text.map { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) } ?? ""))
            case SQLiteColumnType.blob:
                let blob = sqlite_nio_sqlite3_column_blob(statement, column)
                let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                var buffer = ByteBufferAllocator().buffer(capacity: length)
                if let blob { buffer.writeBytes(UnsafeRawBufferPointer(start: blob, count: length)) }
                values.append(.blob(buffer))
            default:
                values.append(.null)
            }
        }
        return values
    }

    // MARK: Errors

    private func check(_ code: Int32) throws {
        guard code == SQLiteResult.ok else { throw self.failure(code) }
    }

    private func failure(_ code: Int32) -> SQLiteFailure {
        SQLiteFailure(code: sqlite_nio_sqlite3_extended_errcode(self.db), message: String(cString: sqlite_nio_sqlite3_errmsg(self.db)))
    }
}

/// SQLite's constants this driver uses (sqlite3.h; not importable from the shim's header).
enum SQLiteResult {
    static let ok: Int32 = 0
    static let misuse: Int32 = 21
    static let row: Int32 = 100
    static let done: Int32 = 101
    static let constraint: Int32 = 19
    static let constraintPrimaryKey: Int32 = 1555
    static let constraintUnique: Int32 = 2067
    /// Not SQLite's: marks a text with more than one statement.
    static let misuseMultipleStatements: Int32 = -21
}

enum SQLiteOpenFlags {
    static let readWrite: Int32 = 0x0000_0002
    static let create: Int32 = 0x0000_0004
    static let noMutex: Int32 = 0x0000_8000
    static let extendedResultCodes: Int32 = 0x0200_0000
}

enum SQLitePrepareFlags {
    static let persistent: UInt32 = 0x01
}

enum SQLiteColumnType {
    static let integer: Int32 = 1
    static let float: Int32 = 2
    static let text: Int32 = 3
    static let blob: Int32 = 4
}

/// An SQLite error: its extended result code and SQLite's message.
public struct SQLiteFailure: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String

    public var description: String { "SQLite error \(self.code): \(self.message)" }

    /// A UNIQUE or PRIMARY KEY constraint refused the write.
    var isUniqueViolation: Bool {
        self.code == SQLiteResult.constraintUnique || self.code == SQLiteResult.constraintPrimaryKey || self.code == SQLiteResult.constraint
    }
}
