public import Logging
public import Metrics

/// What the process gives a service to build on: its own database, the token verifier
/// (identity's own embedded, its JWKS over HTTP under `serve`), the gRPC network its peers
/// are reached through, metrics and a logger.
public struct ServiceContext: Sendable {
    public let database: any Database
    public let verifier: any TokenVerifier
    public let network: RPCNetwork
    public let metrics: any MetricsFactory
    public let logger: Logger

    public init(
        database: any Database,
        verifier: any TokenVerifier,
        network: RPCNetwork,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger = Logger(label: "emporium")
    ) {
        self.database = database
        self.verifier = verifier
        self.network = network
        self.metrics = metrics
        self.logger = logger
    }
}
