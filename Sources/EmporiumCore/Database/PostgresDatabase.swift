public import Foundation
public import Logging
public import Metrics
import PostgresKit
public import PostgresNIO
public import ServiceLifecycle
public import SQLKit

/// A PostgreSQL database through PostgresNIO's `PostgresClient` pool. The client is a
/// `Service`: it must run in the service group for connections to be made.
public final class PostgresDatabase: Database, Service {
    public let kind = DatabaseKind.postgres
    public let client: PostgresClient
    private let logger: Logger
    private let gauges: PoolGauges
    private let statements = PreparedStatements()

    public init(url: String, maximumConnections: Int = 20, name: String, metrics: any MetricsFactory, logger: Logger) throws {
        var configuration = try Self.configuration(url: url)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.gauges = PoolGauges(database: name, size: maximumConnections, factory: metrics)
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await self.gauges.track {
            try await self.client.withConnection { connection in
                try await body(self.sql(on: connection, inTransaction: false))
            }
        }
    }

    /// Queries are never logged, at any level: SQLKit's query log carries the bind values,
    /// and those include password hashes, token hashes and keys.
    private func sql(on connection: PostgresConnection, inTransaction: Bool) -> any SQLDatabase {
        PostgresSQLConnection(connection: connection, statements: self.statements, resendsChangedPlans: !inTransaction)
    }

    /// A transaction PostgreSQL rolled back as a deadlock victim or serialization failure is
    /// run again (up to three times): write bodies only touch the database, so a rerun is safe.
    public func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await self.retryingTransientFailures(inTransaction: true) {
            try await inTransaction($0, begin: "BEGIN", body)
        }
    }

    /// No BEGIN/COMMIT around a single statement: PostgreSQL commits it atomically on its
    /// own (autocommit), with the same durability (`synchronous_commit` is left on).
    public func writeStatement<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await self.retryingTransientFailures(inTransaction: false) { try await body($0) }
    }

    private func retryingTransientFailures<T: Sendable>(
        inTransaction: Bool,
        _ run: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await self.gauges.track {
                    try await self.client.withConnection { connection in
                        try await run(self.sql(on: connection, inTransaction: inTransaction))
                    }
                }
            } catch where attempt < 3 && DatabaseErrors.isTransient(error) {
                attempt += 1
            }
        }
    }

    public func run() async throws {
        await self.client.run()
    }

    /// `postgres://user:password@host:port/database`; `sslmode=require` turns TLS on.
    static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, !host.isEmpty,
            let username = components.user
        else {
            throw ConfigurationError.invalid(key: "databaseUrl", reason: "expected postgres://user:password@host:port/database")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let requireTLS = components.queryItems?.contains { $0.name == "sslmode" && $0.value == "require" } ?? false
        return PostgresClient.Configuration(
            host: host,
            port: components.port ?? 5432,
            username: username.removingPercentEncoding ?? username,
            password: components.password?.removingPercentEncoding,
            database: database.isEmpty ? nil : database,
            tls: requireTLS ? .require(.makeClientConfiguration()) : .disable
        )
    }
}
