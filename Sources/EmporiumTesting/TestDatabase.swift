public import EmporiumCore
import Foundation
import Logging
import PostgresNIO
public import Metrics

/// Store and HTTP tests run once per database kind.
public enum TestDatabaseKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { self.rawValue }
}

public enum TestDatabase {
    /// Runs `body` with a fresh, empty database of `kind`, closed and removed afterwards.
    /// PostgreSQL cases are reported as skipped when no server binaries exist, unless
    /// `EMPORIUM_REQUIRE_POSTGRES=1` (CI), which makes a missing server fail them.
    public static func with<T: Sendable>(
        _ kind: TestDatabaseKind,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        _ body: @Sendable (any Database) async throws -> T
    ) async throws -> T? {
        let logger = Logger(label: "test")
        switch kind {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-test-\(UUID().uuidString).sqlite").path
            let database = try await SQLiteDatabase.open(path: path, name: "test", metrics: metrics, logger: logger)
            defer {
                for suffix in ["", "-wal", "-shm"] {
                    try? FileManager.default.removeItem(atPath: path + suffix)
                }
            }
            do {
                let result = try await body(database)
                try await database.close()
                return result
            } catch {
                try? await database.close()
                throw error
            }
        case .postgres:
            try PostgresHarness.skipUnlessAvailable()
            let url = try await PostgresHarness.makeDatabaseURL()
            let database = try PostgresDatabase(url: url, maximumConnections: 10, name: "test", metrics: metrics, logger: logger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await database.client.run() }
                defer { group.cancelAll() }
                do {
                    return try await body(database)
                } catch let error as PSQLError {
                    // PSQLError's description hides the server's message; a failing test needs it.
                    throw PostgresTestError(details: String(reflecting: error))
                }
            }
        }
    }
}

/// A PostgreSQL error from a test, with the server's message and SQLSTATE.
public struct PostgresTestError: Error, CustomStringConvertible {
    public let details: String
    public var description: String { self.details }
}
