import Foundation
public import Logging
public import Metrics
import NIOPosix
public import ServiceLifecycle
public import SQLKit
import SQLiteKit

/// An embedded SQLite database file: a few reader connections in WAL mode and one writer.
///
/// Writers are serialised by an async queue in this process (the only process that owns
/// the file), so a transaction never holds a pool thread while it waits for SQLite's lock.
public final class SQLiteDatabase: Database, Service {
    public let kind = DatabaseKind.sqlite
    private let readers: ConnectionQueue<SQLiteConnection>
    private let writer: ConnectionQueue<SQLiteConnection>
    private let threadPool: NIOThreadPool
    private let all: [SQLiteConnection]
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
        let threadPool = NIOThreadPool(numberOfThreads: readerCount + 1)
        threadPool.start()
        var connections: [SQLiteConnection] = []
        do {
            for _ in 0..<(readerCount + 1) {
                let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
                connections.append(connection)
                for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000", "PRAGMA foreign_keys=ON"] {
                    _ = try await connection.sql().raw(SQLQueryString(pragma)).all()
                }
            }
        } catch {
            for connection in connections { try? await connection.close() }
            try? await threadPool.shutdownGracefully()
            throw error
        }
        return SQLiteDatabase(connections: connections, threadPool: threadPool, name: name, metrics: metrics)
    }

    private init(connections: [SQLiteConnection], threadPool: NIOThreadPool, name: String, metrics: any MetricsFactory) {
        self.all = connections
        self.writer = ConnectionQueue([connections[0]])
        self.readers = ConnectionQueue(Array(connections.dropFirst()))
        self.threadPool = threadPool
        self.gauges = PoolGauges(database: name, size: connections.count, factory: metrics)
    }

    // Queries are never logged (`queryLogLevel: nil`), at any level: SQLKit's query log
    // carries the bind values, and those include password hashes, token hashes and keys.
    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await self.gauges.track {
            try await self.readers.with { connection in try await body(connection.sql(queryLogLevel: nil)) }
        }
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await self.gauges.track {
            try await self.writer.with { connection in
                // IMMEDIATE takes the write lock up front, so a read-then-write transaction
                // cannot fail half-way on a lock upgrade.
                try await inTransaction(connection.sql(queryLogLevel: nil), begin: "BEGIN IMMEDIATE", body)
            }
        }
    }

    /// Keeps the connections open until graceful shutdown, then closes them.
    public func run() async throws {
        try? await gracefulShutdown()
        try await self.close()
    }

    public func close() async throws {
        for connection in self.all {
            try? await connection.close()
        }
        try await self.threadPool.shutdownGracefully()
    }
}
