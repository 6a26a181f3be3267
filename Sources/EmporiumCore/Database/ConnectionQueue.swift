import Synchronization

/// A fixed set of connections handed out one caller at a time; callers beyond the set wait
/// in FIFO order. The connection idle longest goes first: a SQLite reader's caller carries
/// on on that reader's thread for a moment after giving it back, so the one just returned
/// is the worst to hand out next.
///
/// A lock, not an actor: taking an idle connection is the common case and costs no
/// suspension or executor hop; only a caller that finds none idle suspends.
final class ConnectionQueue<Connection: Sendable>: Sendable {
    private struct State: ~Copyable {
        var idle: [Connection]
        var waiters: [CheckedContinuation<Connection?, Never>] = []  // few: callers beyond the set
        var closing = false
    }
    private let state: Mutex<State>
    private let count: Int

    init(_ connections: [Connection]) {
        self.state = Mutex(State(idle: connections))
        self.count = connections.count
    }

    /// Runs `body` with a connection of its own; throws `DatabaseClosed` once `takeAll` began.
    func with<T: Sendable>(_ body: (Connection) async throws -> T) async throws -> T {
        guard let connection = await self.acquire() else { throw DatabaseClosed() }
        defer { self.release(connection) }
        return try await body(connection)
    }

    /// Refuses new callers, waits for every connection to come back and hands them over, for
    /// closing; a second call gets none.
    func takeAll() async -> [Connection] {
        let refused: [CheckedContinuation<Connection?, Never>]? = self.state.withLock { state in
            guard !state.closing else { return nil }
            state.closing = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        guard let refused else { return [] }
        for waiter in refused { waiter.resume(returning: nil) }
        while true {
            let all: [Connection]? = self.state.withLock { state in
                guard state.idle.count == self.count else { return nil }
                defer { state.idle.removeAll() }
                return state.idle
            }
            if let all { return all }
            // Shutdown only: a caller still running a statement gives its connection back
            // within milliseconds.
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    private func acquire() async -> Connection? {
        let immediate: Connection?? = self.state.withLock { state in
            if state.closing { return .some(nil) }
            return state.idle.isEmpty ? nil : .some(state.idle.removeFirst())
        }
        if let immediate { return immediate }
        return await withCheckedContinuation { continuation in
            // Checked again under the lock: a connection may have come back meanwhile.
            let now: Connection?? = self.state.withLock { state in
                if state.closing { return .some(nil) }
                if !state.idle.isEmpty { return .some(state.idle.removeFirst()) }
                state.waiters.append(continuation)
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    private func release(_ connection: Connection) {
        let waiter: CheckedContinuation<Connection?, Never>? = self.state.withLock { state in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.idle.append(connection)
            return nil
        }
        waiter?.resume(returning: connection)
    }
}

/// The database was closed (the service is shutting down).
struct DatabaseClosed: Error, CustomStringConvertible {
    var description: String { "the database is closed" }
}
