public import Configuration
import Foundation
public import Logging

/// The settings every Emporium process reads, layered: command-line flags first, then
/// `EMPORIUM_*` environment variables, then defaults. `swift-configuration` does the
/// layering; this type turns the reader into typed, validated values once, at start.
public struct ServerSettings: Sendable {
    public static let defaultBodyLimit = 1 << 20

    public var host: String
    public var port: Int
    public var dataDirectory: String
    public var databaseURL: String?
    public var bodyLimit: Int
    public var logLevel: Logger.Level
    public var shutdownTimeoutSeconds: Int
    public var seedDemoCatalog: Bool
    /// Where a service in its own process finds identity (its JWKS), e.g. `http://127.0.0.1:8081`.
    public var identityURL: String?
    /// Where `serve` listens for gRPC (`EMPORIUM_GRPC_HOST`, `EMPORIUM_GRPC_PORT`): a port
    /// of its own, for the other services only; NGINX never routes to it.
    public var grpcHost: String
    public var grpcPort: Int
    /// Deadline, retries and circuit breaking of every internal call.
    public var rpcPolicy: RPCPolicy
    /// Signs and checks service tokens on internal gRPC (`EMPORIUM_SERVICE_SECRET`); required
    /// when the gRPC port listens beyond loopback.
    public var serviceCredentials: ServiceCredentials?
    /// How long a keep-alive HTTP connection may sit idle before the server closes it
    /// (`EMPORIUM_HTTP_IDLE_TIMEOUT`, seconds): longer than NGINX's upstream keepalive (60 s),
    /// so the proxy never reuses a connection the server is closing.
    public var httpIdleTimeout: Duration
    /// Peers' gRPC addresses by service name, from `EMPORIUM_<SERVICE>_GRPC`.
    public var rpcPeers: [String: RPCEndpoints]
    /// Checkout sagas: how long a running checkout owns its order before recovery may take
    /// it over (`EMPORIUM_SAGA_LEASE_MS`), and how often recovery looks
    /// (`EMPORIUM_SAGA_RECOVERY_MS`).
    public var sagaLease: Duration
    public var sagaRecoveryInterval: Duration
    /// How long an idempotency key's claim holds without an answer before a retry may take
    /// the request over (`EMPORIUM_IDEMPOTENCY_LEASE_MS`): longer than any request runs.
    public var idempotencyLease: Duration
    /// Tests only: `orders.<step>:crash` kills the process at that checkout step
    /// (`EMPORIUM_FAULT`); refused at start unless `EMPORIUM_TEST_MODE=1`.
    public var fault: String?
    /// The catalog's response cache, in bytes of encoded responses
    /// (`EMPORIUM_CATALOG_CACHE_BYTES`); 0 turns it off (benchmarks measure uncached reads so).
    public var catalogCacheBytes: Int

    /// Services other processes can be told to reach over gRPC.
    public static let rpcServiceNames = ["catalog", "inventory", "cart", "orders", "payments"]

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        dataDirectory: String = "./.emporium",
        databaseURL: String? = nil,
        bodyLimit: Int = ServerSettings.defaultBodyLimit,
        logLevel: Logger.Level = .info,
        shutdownTimeoutSeconds: Int = 10,
        seedDemoCatalog: Bool = true
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.bodyLimit = bodyLimit
        self.logLevel = logLevel
        self.shutdownTimeoutSeconds = shutdownTimeoutSeconds
        self.seedDemoCatalog = seedDemoCatalog
        self.identityURL = nil
        self.grpcHost = "127.0.0.1"
        self.grpcPort = 9090
        self.rpcPolicy = RPCPolicy()
        self.serviceCredentials = nil
        self.httpIdleTimeout = .seconds(75)
        self.rpcPeers = [:]
        self.sagaLease = .seconds(30)
        self.sagaRecoveryInterval = .seconds(5)
        self.idempotencyLease = .seconds(60)
        self.fault = nil
        self.catalogCacheBytes = 32 << 20
    }

    /// Reads every setting from `reader` (keys under `emporium.`), failing fast on bad values.
    public init(reader: ConfigReader) throws {
        let config = SettingsReader(reader.scoped(to: "emporium"))
        let defaults = ServerSettings()
        self.host = config.string("host") ?? defaults.host
        self.port = try config.int("port", in: 0...65535) ?? defaults.port
        self.dataDirectory = config.string("dataDir") ?? defaults.dataDirectory
        self.databaseURL = config.string("databaseUrl", isSecret: true)
        self.bodyLimit = try config.int("bodyLimit", in: 1...(1 << 30)) ?? defaults.bodyLimit
        self.shutdownTimeoutSeconds = try config.int("shutdownTimeout", in: 1...3600) ?? defaults.shutdownTimeoutSeconds
        self.seedDemoCatalog = try config.bool("seedDemo") ?? defaults.seedDemoCatalog
        self.identityURL = config.string("identityUrl")
        self.grpcHost = config.string("grpcHost") ?? defaults.grpcHost
        guard RPCEndpoints.isIPv4(self.grpcHost) || self.grpcHost.contains(":") else {
            throw ConfigurationError.invalid(key: "grpcHost", reason: "must be an IP address (0.0.0.0 for every interface), not \(self.grpcHost)")
        }
        self.grpcPort = try config.int("grpcPort", in: 0...65535) ?? defaults.grpcPort
        self.serviceCredentials = try config.string("serviceSecret", isSecret: true).map { try ServiceCredentials(secret: $0) }
        // An internal port anyone on the network could call (payments' capture and refund
        // among its methods) is never opened without credentials.
        if self.serviceCredentials == nil, !RPCEndpoints.isLoopback(self.grpcHost) {
            throw ConfigurationError.invalid(
                key: "grpcHost",
                reason: "\(self.grpcHost) is beyond loopback: set EMPORIUM_SERVICE_SECRET (the same on every service) so only services can call it"
            )
        }
        self.httpIdleTimeout = try config.int("httpIdleTimeout", in: 1...3600).map { .seconds($0) } ?? defaults.httpIdleTimeout
        var policy = RPCPolicy()
        if let timeout = try config.int("grpcTimeoutMs", in: 1...600_000) {
            policy.timeout = .milliseconds(timeout)
        }
        self.rpcPolicy = policy
        var peers: [String: RPCEndpoints] = [:]
        for service in Self.rpcServiceNames {
            if let text = config.string("\(service)Grpc") {
                peers[service] = try RPCEndpoints(parsing: text, key: "\(service)Grpc")
            }
        }
        self.rpcPeers = peers
        self.sagaLease = try config.int("sagaLeaseMs", in: 100...3_600_000).map { .milliseconds($0) } ?? defaults.sagaLease
        self.sagaRecoveryInterval = try config.int("sagaRecoveryMs", in: 10...3_600_000).map { .milliseconds($0) } ?? defaults.sagaRecoveryInterval
        self.idempotencyLease = try config.int("idempotencyLeaseMs", in: 100...3_600_000).map { .milliseconds($0) } ?? defaults.idempotencyLease
        self.fault = config.string("fault")
        // The crash switch kills the process on purpose: a production binary refuses it
        // unless the operator says in so many words that this is a test.
        if self.fault != nil, try config.bool("testMode") != true {
            throw ConfigurationError.invalid(key: "fault", reason: "EMPORIUM_FAULT is a test-only crash switch; it needs EMPORIUM_TEST_MODE=1")
        }
        self.catalogCacheBytes = try config.int("catalogCacheBytes", in: 0...(1 << 34)) ?? defaults.catalogCacheBytes
        let level = config.string("logLevel") ?? defaults.logLevel.rawValue
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw ConfigurationError.invalid(key: "logLevel", reason: "\(level) is not one of trace, debug, info, notice, warning, error, critical")
        }
        self.logLevel = logLevel
    }

    /// The layered reader: explicit values (flags) over `EMPORIUM_*` environment variables.
    /// Flag keys are given without the `emporium.` scope (`port`, `dataDir`).
    public static func reader(flags: [String: String], environment: [String: String]) -> ConfigReader {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in flags {
            values[AbsoluteConfigKey(["emporium", key])] = ConfigValue(.string(value), isSecret: key == "databaseUrl")
        }
        return ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: values),
            EnvironmentVariablesProvider(environmentVariables: environment),
        ])
    }
}
