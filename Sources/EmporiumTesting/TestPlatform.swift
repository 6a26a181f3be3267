public import EmporiumCore
public import GRPCCore
import Foundation
public import Hummingbird
import Logging
import Metrics

/// Builds a `Platform` the way the `emporium` command does, for HTTP tests: the services
/// come from `units` on a fresh database, migrated and prepared before the test runs.
public enum TestPlatform {
    public static func with<T: Sendable>(
        _ kind: TestDatabaseKind,
        settings: ServerSettings = .forTests,
        units: @escaping @Sendable (any Database) -> [ServiceUnit],
        _ body: @Sendable (Platform) async throws -> T
    ) async throws -> T? {
        try await self.with(kind, settings: settings, units: { database, _ in units(database) }, body)
    }

    /// Services from their definitions, as the `emporium` command builds them: each reads
    /// its settings from `environment` (`EMPORIUM_*` variables) over test defaults (no demo
    /// data, test mode), and verifies tokens with `verifier`, or with the token issuer's own
    /// when `verifier` is nil and the issuer is among `services`.
    public static func with<T: Sendable>(
        _ kind: TestDatabaseKind,
        services: [any ServiceDefinition.Type],
        environment: [String: String] = [:],
        settings: ServerSettings = .forTests,
        verifier: (any TokenVerifier)? = TestTokenVerifier(),
        serverInterceptors: [any ServerInterceptor] = [],
        _ body: @Sendable (Platform) async throws -> T
    ) async throws -> T? {
        let reader = SettingsReader(
            emporium: ServerSettings.reader(flags: [:], environment: Self.testEnvironment.merging(environment) { $1 })
        )
        let configured = try services.map { try $0.configure(reader) }
        return try await self.run(kind, settings: settings, serverInterceptors: serverInterceptors, units: { database, rpc, metrics, logger in
            // A verifier the test gives is used throughout; without one, the token issuer's.
            var current = verifier ?? RejectAllTokens()
            var units: [ServiceUnit] = []
            for service in configured.filter(\.issuesTokens) + configured.filter({ !$0.issuesTokens }) {
                let unit = try service.build(ServiceContext(database: database, verifier: current, network: rpc, metrics: metrics.factory, logger: logger))
                if verifier == nil, let offered = unit.verifier { current = offered }
                units.append(unit)
            }
            return units
        }, body)
    }

    /// No demo data and test mode (cheap bcrypt may then be asked for), unless a test says otherwise.
    /// A fixed session secret keeps the storefront from making a key file in the working directory.
    static let testEnvironment = [
        "EMPORIUM_SEED_DEMO": "false", "EMPORIUM_TEST_MODE": "1", "EMPORIUM_SESSION_SECRET": "storefront-test-session-secret-0123456789abcdef",
    ]

    /// The same, for services that call each other: they share one in-process gRPC network
    /// (and one test database), whose server, clients and background work run during `body`.
    public static func with<T: Sendable>(
        _ kind: TestDatabaseKind,
        settings: ServerSettings = .forTests,
        serverInterceptors: [any ServerInterceptor] = [],
        units: @escaping @Sendable (any Database, RPCNetwork) throws -> [ServiceUnit],
        _ body: @Sendable (Platform) async throws -> T
    ) async throws -> T? {
        try await self.run(kind, settings: settings, serverInterceptors: serverInterceptors, units: { database, rpc, _, _ in try units(database, rpc) }, body)
    }

    private static func run<T: Sendable>(
        _ kind: TestDatabaseKind,
        settings: ServerSettings,
        serverInterceptors: [any ServerInterceptor],
        units: @escaping @Sendable (any Database, RPCNetwork, MetricsRegistry, Logger) throws -> [ServiceUnit],
        _ body: @Sendable (Platform) async throws -> T
    ) async throws -> T? {
        let metrics = MetricsRegistry()
        return try await TestDatabase.with(kind, metrics: metrics.factory) { database in
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            let rpc = RPCNetwork.inProcess(policy: settings.rpcPolicy, metrics: metrics.factory, logger: logger, serverInterceptors: serverInterceptors)
            let platform = Platform(settings: settings, units: try units(database, rpc, metrics, logger), metrics: metrics, rpc: rpc, logger: logger)
            try await platform.start()
            return try await platform.withServices {
                try await body(platform)
            }
        }
    }
}

/// A verifier for tests: tokens of the form `test:<user id>:<role>,<role>` are valid.
public struct TestTokenVerifier: TokenVerifier {
    public init() {}

    public static let adminToken = "test:admin-1:customer,admin"
    public static let customerToken = "test:user-1:customer"

    public func verify(bearerToken: String) async throws -> Principal {
        let parts = bearerToken.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "test", !parts[1].isEmpty else {
            throw Problem.unauthorized("Invalid token.")
        }
        return Principal(userId: String(parts[1]), roles: Set(parts[2].split(separator: ",").map { Role(rawValue: String($0)) }))
    }
}

extension ServerSettings {
    /// Defaults for tests: internal calls with a deadline generous enough for a whole suite
    /// sharing two cores (tests of deadlines set their own).
    public static var forTests: ServerSettings {
        var settings = ServerSettings()
        settings.rpcPolicy.timeout = .seconds(15)
        // Tests fire bursts of concurrent requests at a debug build on a busy machine; they
        // test what the services do, not admission control (AdmissionTests does that).
        settings.maxInFlight = 0
        return settings
    }
}
