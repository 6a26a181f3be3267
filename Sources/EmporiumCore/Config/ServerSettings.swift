public import Configuration
import Foundation
public import Logging

/// The settings of the process itself, whatever services it runs, layered: command-line
/// flags first, then `EMPORIUM_*` environment variables, then the settings file
/// (`EMPORIUM_CONFIG_FILE`), then defaults. `swift-configuration` does the layering; this
/// type turns the reader into typed, validated values once, at start. Each service reads
/// its own settings from the same reader (its `ServiceDefinition.Settings`).
public struct ServerSettings: Sendable {
    public static let defaultBodyLimit = 1 << 20

    public var host: String
    public var port: Int
    public var dataDirectory: String
    public var databaseURL: String?
    public var bodyLimit: Int
    public var logLevel: Logger.Level
    public var shutdownTimeoutSeconds: Int
    /// Where a service in its own process finds identity (its JWKS), e.g. `http://127.0.0.1:8081`.
    public var identityURL: String?
    /// Where `serve` listens for gRPC (`EMPORIUM_GRPC_HOST`, `EMPORIUM_GRPC_PORT`): a port
    /// of its own, for the other services only; NGINX never routes to it.
    public var grpcHost: String
    public var grpcPort: Int
    /// Deadline, retries and circuit breaking of every internal call.
    public var rpcPolicy: RPCPolicy
    /// Embedded: services call each other as function calls (`direct`, the default) or
    /// through gRPC's in-process transport (`grpc`, to compare or rule the direct path out):
    /// `EMPORIUM_EMBEDDED_CALLS`.
    public var directEmbeddedCalls: Bool
    /// Signs and checks service tokens on internal gRPC (`EMPORIUM_SERVICE_SECRET`); required
    /// when the gRPC port listens beyond loopback.
    public var serviceCredentials: ServiceCredentials?
    /// How long a keep-alive HTTP connection may sit idle before the server closes it
    /// (`EMPORIUM_HTTP_IDLE_TIMEOUT`, seconds): longer than NGINX's upstream keepalive (60 s),
    /// so the proxy never reuses a connection the server is closing.
    public var httpIdleTimeout: Duration
    /// On SIGTERM, how long readiness answers 503 while the server still serves, before it
    /// stops accepting (`EMPORIUM_DRAIN_DELAY_MS`): time for NGINX or Kubernetes to stop
    /// sending new requests here. 0 (the default) stops accepting at once.
    public var drainDelay: Duration
    /// How long an API request that arrives while the process is still starting (the port
    /// opens before migrations finish) waits for it to be ready before its 503
    /// (`EMPORIUM_STARTING_WAIT_MS`): a proxy without health checks, like the local
    /// cluster's NGINX, sends to a restarted instance the moment its port opens, and a POST
    /// answered 503 there is not retried elsewhere.
    public var startingWait: Duration
    /// Admission control at the HTTP edge (AdmissionGate): requests worked on at once
    /// (`EMPORIUM_MAX_IN_FLIGHT`, default 32 per core; 0 turns it off), how many more may
    /// wait (`EMPORIUM_ADMISSION_QUEUE`, default as many) and for how long
    /// (`EMPORIUM_ADMISSION_MAX_WAIT_MS`, default 100); beyond, 503 + Retry-After at once.
    public var maxInFlight: Int
    public var admissionQueue: Int
    public var admissionMaxWait: Duration

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        dataDirectory: String = "./.emporium",
        databaseURL: String? = nil,
        bodyLimit: Int = ServerSettings.defaultBodyLimit,
        logLevel: Logger.Level = .info,
        shutdownTimeoutSeconds: Int = 10
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.bodyLimit = bodyLimit
        self.logLevel = logLevel
        self.shutdownTimeoutSeconds = shutdownTimeoutSeconds
        self.identityURL = nil
        self.grpcHost = "127.0.0.1"
        self.grpcPort = 9090
        self.rpcPolicy = RPCPolicy()
        self.directEmbeddedCalls = true
        self.serviceCredentials = nil
        self.httpIdleTimeout = .seconds(75)
        self.drainDelay = .zero
        self.startingWait = .seconds(2)
        self.maxInFlight = 32 * max(1, ProcessInfo.processInfo.activeProcessorCount)
        self.admissionQueue = self.maxInFlight
        self.admissionMaxWait = .milliseconds(100)
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
        self.drainDelay = try config.int("drainDelayMs", in: 0...600_000).map { .milliseconds($0) } ?? defaults.drainDelay
        self.startingWait = try config.int("startingWaitMs", in: 0...60_000).map { .milliseconds($0) } ?? defaults.startingWait
        self.maxInFlight = try config.int("maxInFlight", in: 0...1_000_000) ?? defaults.maxInFlight
        self.admissionQueue = try config.int("admissionQueue", in: 0...1_000_000) ?? self.maxInFlight
        self.admissionMaxWait = try config.int("admissionMaxWaitMs", in: 0...60_000).map { .milliseconds($0) } ?? defaults.admissionMaxWait
        var policy = RPCPolicy()
        if let timeout = try config.int("grpcTimeoutMs", in: 1...600_000) {
            policy.timeout = .milliseconds(timeout)
        }
        self.rpcPolicy = policy
        switch config.string("embeddedCalls") ?? "direct" {
        case "direct": self.directEmbeddedCalls = true
        case "grpc": self.directEmbeddedCalls = false
        case let other: throw ConfigurationError.invalid(key: "embeddedCalls", reason: "\(other) is not one of direct, grpc")
        }
        let level = config.string("logLevel") ?? defaults.logLevel.rawValue
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw ConfigurationError.invalid(key: "logLevel", reason: "\(level) is not one of trace, debug, info, notice, warning, error, critical")
        }
        self.logLevel = logLevel
    }

    /// The layered reader: explicit values (flags) over `EMPORIUM_*` environment variables
    /// over `file`. Flag keys are given without the `emporium.` scope (`port`, `dataDir`).
    public static func reader(flags: [String: String], environment: [String: String], file: (any ConfigProvider)? = nil) -> ConfigReader {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in flags {
            values[AbsoluteConfigKey(["emporium", key])] = ConfigValue(.string(value), isSecret: key == "databaseUrl")
        }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: values),
            EnvironmentVariablesProvider(environmentVariables: environment),
        ]
        if let file {
            providers.append(file)
        }
        return ConfigReader(providers: providers)
    }

    /// The same, with the JSON settings file named by `configFile` (a flag) or
    /// `EMPORIUM_CONFIG_FILE`, if either is set; a missing or malformed file stops the start.
    public static func loadReader(flags: [String: String], environment: [String: String]) async throws -> ConfigReader {
        guard let path = flags["configFile"] ?? environment["EMPORIUM_CONFIG_FILE"], !path.isEmpty else {
            return self.reader(flags: flags, environment: environment, file: nil)
        }
        do {
            // Named through a reader rather than a `FilePath`, which would need swift-system.
            let location = ConfigReader(provider: InMemoryProvider(values: ["filePath": ConfigValue(.string(path), isSecret: false)]))
            // The file's keys carry no `emporium.` scope: strip it from each lookup.
            let file = try await FileProvider<JSONSnapshot>(config: location).mapKeys { key in
                AbsoluteConfigKey(key.components.first == "emporium" ? Array(key.components.dropFirst()) : key.components)
            }
            return self.reader(flags: flags, environment: environment, file: file)
        } catch {
            throw ConfigurationError.invalid(key: "configFile", reason: "cannot read \(path) as a JSON settings file: \(error)")
        }
    }
}
