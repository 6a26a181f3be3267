import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// Which statements run as named prepared statements on which connection. PostgreSQL
/// parses and plans a statement sent unnamed every time; a named one is parsed once per
/// connection and its plan reused, which is most of a short statement's server CPU.
///
/// A statement is keyed by its SQL and its binds' types: the types are part of what is
/// prepared (a NULL bind prepares an unknown type PostgreSQL infers, which a later typed
/// value might not match), so each combination gets its own name. Names are `e<n>` in the
/// order shapes are first seen, never reused within the process; past `capacity` shapes new
/// ones run unnamed (stores build SQL from code, so the set is finite, but it is bounded
/// anyway: each costs memory in every backend).
///
/// PostgresNIO remembers a failed preparation on a connection and fails every later use
/// of that name there. So a statement that fails before it has once succeeded on a
/// connection (a typo, a table a migration has not made, a transaction already aborted) is
/// run unnamed on that connection from then on, as is one whose cached plan a migration
/// changed the result type of (SQLSTATE 0A000). Both are rare and bounded by the number of
/// statements; entries for a connection go when it closes.
final class PreparedStatements: Sendable {
    struct Shape: Hashable {
        let sql: String
        let types: [UInt32]
    }

    enum Use {
        /// Run unnamed, as PostgresKit runs every statement.
        case unnamed
        /// Run as the named statement; `confirmed` once it has succeeded on this connection.
        case named(String, id: Int, confirmed: Bool)
    }

    private struct ConnectionState {
        var confirmed: Set<Int> = []
        var unnamed: Set<Int> = []
    }

    private struct State {
        var ids: [Shape: Int] = [:]
        var connections: [PostgresConnection.ID: ConnectionState] = [:]
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 500) {
        self.capacity = capacity
    }

    /// How `shape` runs on `connection`; the first sight of a connection arranges for its
    /// entries to be dropped when it closes.
    func use(_ shape: Shape, on connection: PostgresConnection) -> Use {
        let (use, isNewConnection) = self.state.withLock { state -> (Use, Bool) in
            let id: Int
            if let known = state.ids[shape] {
                id = known
            } else if state.ids.count < self.capacity {
                id = state.ids.count
                state.ids[shape] = id
            } else {
                return (.unnamed, false)
            }
            let isNew = state.connections[connection.id] == nil
            let connectionState = state.connections[connection.id, default: ConnectionState()]
            if isNew { state.connections[connection.id] = connectionState }
            if connectionState.unnamed.contains(id) { return (.unnamed, isNew) }
            return (.named("e\(id)", id: id, confirmed: connectionState.confirmed.contains(id)), isNew)
        }
        if isNewConnection {
            let id = connection.id
            connection.closeFuture.whenComplete { [self] _ in
                self.state.withLock { _ = $0.connections.removeValue(forKey: id) }
            }
        }
        return use
    }

    func succeeded(_ id: Int, on connection: PostgresConnection) {
        self.state.withLock { _ = $0.connections[connection.id]?.confirmed.insert(id) }
    }

    /// After a named statement failed: whether to run it unnamed on this connection from now on.
    func failed(_ id: Int, confirmed: Bool, error: any Error, on connection: PostgresConnection) {
        guard !confirmed || Self.isChangedResultType(error) else { return }
        self.state.withLock { _ = $0.connections[connection.id]?.unnamed.insert(id) }
    }

    /// "cached plan must not change result type": a migration changed a table a prepared
    /// `SELECT *` or `RETURNING *` reads. Nothing ran; the statement can be sent again unnamed.
    static func isChangedResultType(_ error: any Error) -> Bool {
        guard let info = (error as? PSQLError)?.serverInfo else { return false }
        return info[.sqlState] == "0A000" && info[.message]?.hasPrefix("cached plan must not change result type") == true
    }

    /// Only plain DML is prepared: DDL, transaction control and settings run unnamed.
    static func isPreparable(_ sql: String) -> Bool {
        let head = sql.utf8.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }.prefix(6).map { $0 | 0x20 }  // ASCII lower case
        for keyword in Self.keywords where head.starts(with: keyword) {
            return true
        }
        return false
    }

    private static let keywords: [[UInt8]] = ["select", "insert", "update", "delete", "with"].map { Array($0.utf8) }
}

/// The one `PostgresPreparedStatement` type every shape runs through. PostgresNIO names and
/// prepares a statement by its type's static `name` and `sql`, made for a fixed set of
/// hand-written statement types; SQLKit's statements are built at run time, so this
/// type's statics read a task-local the caller binds around `execute` (PostgresNIO reads
/// them in the calling task, before it hands the statement to the connection's channel;
/// `PostgresPreparedStatementsTests` fails if that stops being so).
struct RuntimeStatement: PostgresPreparedStatement {
    struct Text: Sendable {
        var name: String
        var sql: String
    }

    @TaskLocal static var text = Text(name: "", sql: "")
    static var name: String { Self.text.name }
    static var sql: String { Self.text.sql }

    typealias Row = PostgresRow
    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { self.bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
