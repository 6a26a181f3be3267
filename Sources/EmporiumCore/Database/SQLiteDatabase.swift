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
                let handle = try SQLiteConnectionHandle.open(path: path)
                do {
                    for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000", "PRAGMA foreign_keys=ON"] {
                        try handle.execute(pragma, []) { _ in }
                    }
                    let thread = try SQLiteThread(name: index == 0 ? "db-\(name)-w" : "db-\(name)-r\(index)")
                    sessions.append(Session(connection: SQLiteSQLConnection(handle: handle, logger: logger, eventLoop: eventLoop), thread: thread))
                } catch {
                    handle.close()
                    throw error
                }
            }
        } catch {
            for session in sessions { session.close() }
            throw error
        }
        return SQLiteDatabase(sessions: sessions, name: name, metrics: metrics)
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

        func close() {
            self.connection.handle.close()
            self.thread.stop()
        }
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await self.gauges.track {
            try await self.readers.with { session in
                try await withTaskExecutorPreference(session.thread) { try await body(session.connection) }
            }
        }
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await self.gauges.track {
            try await self.writer.with { session in
                try await withTaskExecutorPreference(session.thread) {
                    // IMMEDIATE takes the write lock up front, so a read-then-write transaction
                    // cannot fail half-way on a lock upgrade.
                    try await inTransaction(session.connection, begin: "BEGIN IMMEDIATE", body)
                }
            }
        }
    }

    /// Keeps the connections open until graceful shutdown, then closes them.
    public func run() async throws {
        try? await gracefulShutdown()
        try await self.close()
    }

    /// Closes every connection once no caller holds it.
    public func close() async throws {
        for session in await self.readers.takeAll() + self.writer.takeAll() {
            session.close()
        }
    }
}
