public import GRPCCore
public import Hummingbird
public import Logging
public import ServiceLifecycle

/// What one service (catalog, identity, …) contributes to a process: its database and
/// migrations, its routes, its internal gRPC services, background work that runs once the
/// process is ready (sweepers), and work to do once its schema is current (seeding).
///
/// Each service module builds one with its own `build…Service` function; the `emporium`
/// executable composes any number of them into one `Platform`.
public struct ServiceUnit: Sendable {
    public let name: String
    public let database: any Database
    public let migrations: [Migration]
    public let addRoutes: @Sendable (Router<EmporiumRequestContext>) -> Void
    public let prepare: @Sendable (Logger) async throws -> Void
    public let rpcServices: [any RegistrableRPCService]
    public let background: [any Service]

    public init(
        name: String,
        database: any Database,
        migrations: [Migration],
        addRoutes: @escaping @Sendable (Router<EmporiumRequestContext>) -> Void,
        rpcServices: [any RegistrableRPCService] = [],
        background: [any Service] = [],
        prepare: @escaping @Sendable (Logger) async throws -> Void = { _ in }
    ) {
        self.rpcServices = rpcServices
        self.background = background
        self.name = name
        self.database = database
        self.migrations = migrations
        self.addRoutes = addRoutes
        self.prepare = prepare
    }
}
