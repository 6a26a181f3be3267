/// A fixed set of connections handed out one caller at a time; callers beyond the set wait
/// in FIFO order.
actor ConnectionQueue<Connection: Sendable> {
    private var idle: [Connection]
    private var waiters: [CheckedContinuation<Connection, Never>] = []

    init(_ connections: [Connection]) {
        self.idle = connections
    }

    nonisolated func with<T: Sendable>(_ body: @Sendable (Connection) async throws -> T) async throws -> T {
        let connection = await self.acquire()
        do {
            let result = try await body(connection)
            await self.release(connection)
            return result
        } catch {
            await self.release(connection)
            throw error
        }
    }

    private func acquire() async -> Connection {
        if let connection = self.idle.popLast() {
            return connection
        }
        return await withCheckedContinuation { self.waiters.append($0) }
    }

    private func release(_ connection: Connection) {
        if self.waiters.isEmpty {
            self.idle.append(connection)
        } else {
            self.waiters.removeFirst().resume(returning: connection)
        }
    }
}
