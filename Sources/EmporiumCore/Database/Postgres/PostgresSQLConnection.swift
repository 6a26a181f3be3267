import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit

/// SQLKit's face of one pooled PostgreSQL connection: a statement runs as a named prepared
/// statement (parsed and planned once per connection, see `PreparedStatements`) when it is
/// plain DML and every bind has PostgresNIO's own encoding; anything else runs through
/// PostgresKit as before. Binds are encoded as PostgresKit encodes them on its fast path
/// (NULL, or the value's `PostgresEncodable` conformance) and rows are PostgresKit's, so
/// stores see the same values either way.
struct PostgresSQLConnection: SQLDatabase {
    let connection: PostgresConnection
    let statements: PreparedStatements
    /// PostgresKit's face of the same connection, for what is not prepared.
    let unnamed: any SQLDatabase
    /// Whether a statement whose cached plan a migration invalidated may be sent again
    /// unnamed at once: only outside a transaction, which that failure has aborted (a
    /// transaction is run again whole instead; see `DatabaseErrors.isTransient`).
    let resendsChangedPlans: Bool

    init(connection: PostgresConnection, statements: PreparedStatements, resendsChangedPlans: Bool) {
        self.connection = connection
        self.statements = statements
        // Never logged, at any level: the binds include password hashes, token hashes and keys.
        self.unnamed = connection.sql(queryLogLevel: nil)
        self.resendsChangedPlans = resendsChangedPlans
    }

    var logger: Logger { self.connection.logger }
    var eventLoop: any EventLoop { self.connection.eventLoop }
    var dialect: any SQLDialect { PostgresDialect() }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        self.eventLoop.makeFutureWithTask {
            try await self.execute(sql: query, onRow)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = self.serialize(query)
        guard PreparedStatements.isPreparable(sql), let (bindings, types) = Self.encode(binds) else {
            return try await self.unnamed.execute(sql: query, onRow)
        }
        guard case .named(let name, let id, let confirmed) = self.statements.use(.init(sql: sql, types: types), on: self.connection) else {
            return try await self.unnamed.execute(sql: query, onRow)
        }
        do {
            let rows = try await RuntimeStatement.$text.withValue(.init(name: name, sql: sql)) {
                try await self.connection.execute(RuntimeStatement(bindings: bindings), logger: self.connection.logger)
            }
            for try await row in rows {
                onRow(row.sql())
            }
        } catch {
            self.statements.failed(id, confirmed: confirmed, error: error, on: self.connection)
            if self.resendsChangedPlans && PreparedStatements.isChangedResultType(error) {
                return try await self.unnamed.execute(sql: query, onRow)
            }
            throw error
        }
        if !confirmed {
            self.statements.succeeded(id, on: self.connection)
        }
    }

    /// The binds as PostgresKit's fast path encodes them, with their types; nil if one
    /// needs its slower paths (arrays, JSON, legacy conversions), which PostgresKit then takes.
    private static func encode(_ binds: [any Encodable & Sendable]) -> (PostgresBindings, [UInt32])? {
        var bindings = PostgresBindings(capacity: binds.count)
        var types: [UInt32] = []
        types.reserveCapacity(binds.count)
        for bind in binds {
            if let optional = bind as? any OptionalBind, optional.isNone {
                bindings.appendNull()
                types.append(0)
            } else if let value = bind as? any PostgresThrowingDynamicTypeEncodable {
                do {
                    try bindings.append(value, context: .default)
                } catch {
                    return nil
                }
                types.append(value.psqlType.rawValue)
            } else {
                return nil
            }
        }
        return (bindings, types)
    }
}

private protocol OptionalBind {
    var isNone: Bool { get }
}

extension Optional: OptionalBind {
    var isNone: Bool { self == nil }
}
