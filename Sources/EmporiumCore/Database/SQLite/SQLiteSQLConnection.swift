import Logging
import NIOCore
import SQLKit
import SQLiteKit
import SQLiteNIO

/// SQLKit's face of one `SQLiteConnectionHandle`: queries are serialised with sqlite-kit's
/// dialect, values converted with its encoder and decoder (so stores see exactly what they
/// saw through sqlite-kit), and run at once on the calling thread.
struct SQLiteSQLConnection: SQLDatabase {
    let handle: SQLiteConnectionHandle
    let logger: Logger
    let eventLoop: any EventLoop

    var dialect: any SQLDialect { SQLiteDialect() }
    // Never logged, at any level: the binds include password hashes, token hashes and keys.
    var queryLogLevel: Logger.Level? { nil }

    // One of each, not one per query: each makes a JSON coder.
    private static let encoder = SQLiteDataEncoder()
    static let decoder = SQLiteDataDecoder()

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try self.run(query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        do {
            try self.run(query, onRow)
            return self.eventLoop.makeSucceededVoidFuture()
        } catch {
            return self.eventLoop.makeFailedFuture(error)
        }
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> Void) throws {
        let (sql, binds) = self.serialize(query)
        let values = try binds.map { try Self.encoder.encode($0) }
        try self.handle.execute(sql, values) { onRow($0) }
    }
}

/// Column names of a prepared statement, shared by every row it returns.
final class SQLiteColumnNames: Sendable {
    let names: [String]
    let offsets: [String: Int]

    init(_ names: [String]) {
        self.names = names
        // The first of two equal names wins, as in SQLiteNIO.
        self.offsets = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// One result row as SQLKit's `SQLRow`.
struct SQLiteResultRow: SQLRow {
    let columns: SQLiteColumnNames
    let values: [SQLiteData]

    var allColumns: [String] { self.columns.names }

    func contains(column: String) -> Bool {
        self.columns.offsets[column] != nil
    }

    func decodeNil(column: String) throws -> Bool {
        guard let offset = self.columns.offsets[column] else { return true }
        return self.values[offset] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let offset = self.columns.offsets[column] else {
            throw DecodingError.keyNotFound(
                SQLiteColumnKey(column), .init(codingPath: [], debugDescription: "no column \(column) in the result"))
        }
        return try SQLiteSQLConnection.decoder.decode(D.self, from: self.values[offset])
    }
}

private struct SQLiteColumnKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { self.stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
