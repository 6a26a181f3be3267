import Foundation
public import Logging
public import Metrics
import NIOCore
import NIOPosix
public import ServiceLifecycle
public import SQLKit

/// An embedded SQLite database file: a few reader connections in WAL mode and one writer.
///
/// Writers are serialised by a queue in this process (the only process that owns the file),
/// so a transaction never waits on SQLite's lock. Each connection has a thread of its own,
/// and a transaction runs there start to commit (`SQLiteThread`, `SQLiteConnectionHandle`).
public final class SQLiteDatabase: Database, Service {
    public let kind = DatabaseKind.sqlite
    private let readers: ConnectionQueue<Session>
    private let writer: ConnectionQueue<Session>
    private let gauges: PoolGauges

    /// Opens (creating if needed) the database at `path`.
    public static func open(
        path: String,
        readers readerCount: Int = 4,
        name: String,
        metrics: any MetricsFactory,
        logger: Logger
    ) async throws -> SQLiteDatabase {
        // Signing keys and password hashes live in these files: only this user may read them.
        // Created empty with 0600 first, so there is no moment the file is world-readable;
        // SQLite gives its -wal and -shm files the database file's mode.
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw DataDirectoryError.cannotCreate(path)
            }
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        // SQLKit's future-based API needs an event loop to answer on; the stores use async.
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        var sessions: [Session] = []
        do {
            for index in 0..<(readerCount + 1) {
                let thread = try SQLiteThread(name: index == 0 ? "db-\(name)-w" : "db-\(name)-r\(index)")
                do {
                    // On the connection's thread like everything after: opening a new file in
                    // WAL mode writes and syncs, which must not stall the cooperative pool.
                    let handle = try await withTaskExecutorPreference(thread) { try Self.connect(path) }
                    sessions.append(Session(connection: SQLiteSQLConnection(handle: handle, logger: logger, eventLoop: eventLoop), thread: thread))
                } catch {
                    thread.stop()
                    throw error
                }
            }
        } catch {
            for session in sessions { await session.close() }
            throw error
        }
        return SQLiteDatabase(sessions: sessions, name: name, metrics: metrics)
    }

    private static func connect(_ path: String) throws -> SQLiteConnectionHandle {
        let handle = try SQLiteConnectionHandle.open(path: path)
        do {
            // mmap_size: pages are read from a shared mapping of the file instead of a
            // pread() into each connection's cache per page (on a 100k-product catalog the
            // copies were a tenth of an uncached list page's CPU). Address space, not memory:
            // the pages are the kernel's page cache either way.
            let pragmas = [
                "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000", "PRAGMA foreign_keys=ON",
                "PRAGMA mmap_size=1073741824",
            ]
            for pragma in pragmas {
                try handle.execute(pragma, []) { _ in }
            }
            return handle
        } catch {
            handle.close()
            throw error
        }
    }

    private init(sessions: [Session], name: String, metrics: any MetricsFactory) {
        self.writer = ConnectionQueue([sessions[0]])
        self.readers = ConnectionQueue(Array(sessions.dropFirst()))
        self.gauges = PoolGauges(database: name, size: sessions.count, factory: metrics)
    }

    /// A connection and the thread its transactions run on.
    struct Session: Sendable {
        let connection: SQLiteSQLConnection
        let thread: SQLiteThread

        /// Closes the connection on its thread (the last close checkpoints and syncs), then
        /// ends the thread.
        func close() async {
            await withTaskExecutorPreference(self.thread) { self.connection.handle.close() }
            self.thread.stop()
        }
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await self.gauges.track {
            // On the reader's thread too, not the caller's: the cooperative pool has a thread
            // per core, and a long read there (a catalog page the cache has not seen) would
            // hold up every other request of the process — seen as >1 s stalls in the tests.
            // Unlike a write, the caller carries on on the reader's thread (no hop back to the
            // pool, see `onThread`): what follows a read is short (encoding the answer) and
            // ends at the next hop anyway (the response write, the next transaction), and
            // with 4 readers nothing waits long behind it. The hop back was ~15% of an
            // uncached catalog page's CPU (A/B: +17–26% pages per second without it).
            try await self.readers.with { session in
                try await withTaskExecutorPreference(session.thread) { try await body(session.connection) }
            }
        }
    }

    /// On the caller's thread: SQLite answers an indexed read from memory in microseconds,
    /// about what the switches to a reader's thread and back cost (A/B on a 100k-product
    /// catalog's uncached list pages, four alternated rounds: ahead in every one, +0.5–10%,
    /// 159–174 µs of CPU per page against 166–190). The connection is still one of the
    /// readers, held by this caller alone meanwhile.
    public func lookup<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await self.gauges.track {
            try await self.readers.with { session in try await body(session.connection) }
        }
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await self.gauges.track {
            try await self.writer.with { session in
                // On the writer's thread: a commit may checkpoint and sync to disk.
                try await Self.onThread(session.thread) {
                    // IMMEDIATE takes the write lock up front, so a read-then-write transaction
                    // cannot fail half-way on a lock upgrade.
                    try await inTransaction(session.connection, begin: "BEGIN IMMEDIATE", body)
                }
            }
        }
    }

    /// Runs `body` on `thread`, then moves the task back to the cooperative pool. Without
    /// the explicit move the caller would carry on on the database thread (returning from
    /// a call does not switch threads) and do its request's other work there, next to the
    /// pool's threads — more busy threads than cores, and the database's next transaction
    /// waiting behind that work.
    private static func onThread<T: Sendable>(_ thread: SQLiteThread, _ body: () async throws -> T) async throws -> T {
        let result: Result<T, any Error>
        do {
            result = .success(try await withTaskExecutorPreference(thread, operation: body))
        } catch {
            result = .failure(error)
        }
        await Task.yield()
        return try result.get()
    }

    /// Keeps the connections open until graceful shutdown, then closes them.
    public func run() async throws {
        try? await gracefulShutdown()
        try await self.close()
    }

    /// Closes every connection once no caller holds it.
    public func close() async throws {
        for session in await self.readers.takeAll() + self.writer.takeAll() {
            await session.close()
        }
    }
}
