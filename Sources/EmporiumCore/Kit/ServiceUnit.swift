public import GRPCCore
public import Hummingbird
public import Logging
public import ServiceLifecycle

/// What one service (catalog, identity, …) contributes to a process: its database and
/// migrations, its routes, its internal gRPC services, background work that runs once the
/// process is ready (sweepers), and work to do once its schema is current (seeding).
///
/// Each service module builds one from its `ServiceDefinition`; the `emporium` executable
/// composes any number of them into one `Platform`.
public struct ServiceUnit: Sendable {
    public let name: String
    /// Nil for a service that owns no data (nothing to migrate or ping).
    public let database: (any Database)?
    public let migrations: [Migration]
    public let addRoutes: @Sendable (Router<EmporiumRequestContext>) -> Void
    public let prepare: @Sendable (Logger) async throws -> Void
    public let rpcServices: [any RegistrableRPCService]
    public let background: [any Service]
    /// The verifier the token issuer (identity) offers the other services in its process.
    public let verifier: (any TokenVerifier)?

    public init(
        name: String,
        database: (any Database)?,
        migrations: [Migration],
        addRoutes: @escaping @Sendable (Router<EmporiumRequestContext>) -> Void,
        rpcServices: [any RegistrableRPCService] = [],
        background: [any Service] = [],
        verifier: (any TokenVerifier)? = nil,
        prepare: @escaping @Sendable (Logger) async throws -> Void = { _ in }
    ) {
        self.rpcServices = rpcServices
        self.background = background
        self.verifier = verifier
        self.name = name
        self.database = database
        self.migrations = migrations
        self.addRoutes = addRoutes
        self.prepare = prepare
    }
}
