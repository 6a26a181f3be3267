public import Hummingbird
public import Logging
public import ServiceLifecycle
import UnixSignals

/// Emporium's service defaults, applied the same way to every process: request ids,
/// RED metrics, problem+json, the starting gate, `Connection: close` while draining,
/// admission control, the body limit, health, `/metrics` and the OpenAPI document, around
/// whatever services the process runs.
public struct Platform: Sendable {
    public let settings: ServerSettings
    public let units: [ServiceUnit]
    public let metrics: MetricsRegistry
    public let readiness: Readiness
    public let logger: Logger
    /// How the services reach each other (and are reached) over gRPC, if they do.
    public let rpc: RPCNetwork?

    public init(
        settings: ServerSettings,
        units: [ServiceUnit],
        metrics: MetricsRegistry,
        rpc: RPCNetwork? = nil,
        readiness: Readiness = Readiness(),
        logger: Logger
    ) {
        self.settings = settings
        self.units = units
        self.rpc = rpc
        self.metrics = metrics
        self.readiness = readiness
        self.logger = logger
    }

    /// The router with every middleware and route, ready to serve or to test.
    public func buildRouter() -> Router<EmporiumRequestContext> {
        let routeTable = RouteTable()
        let router = Router(context: EmporiumRequestContext.self)
        // Outermost, so problem answers (made by ProblemMiddleware inside it) carry it too.
        router.add(middleware: DrainingMiddleware(readiness: self.readiness))
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: REDMetricsMiddleware(factory: self.metrics.factory))
        router.add(middleware: ProblemMiddleware(routes: routeTable))
        router.add(middleware: StartingGateMiddleware(readiness: self.readiness, wait: self.settings.startingWait))
        if self.settings.maxInFlight > 0 {
            let gate = AdmissionGate(limit: self.settings.maxInFlight, queue: self.settings.admissionQueue, maxWait: self.settings.admissionMaxWait)
            router.add(middleware: AdmissionMiddleware(gate: gate, factory: self.metrics.factory))
        }
        router.add(middleware: BodyLimitMiddleware(limit: self.settings.bodyLimit))
        OperationsController(databases: self.units.compactMap(\.database), readiness: self.readiness, metrics: self.metrics, rpc: self.rpc)
            .addRoutes(to: router)
        for unit in self.units {
            unit.addRoutes(router)
        }
        routeTable.record(router.routes.map { (path: $0.path.description, method: $0.method) })
        return router
    }

    /// The HTTP application; the starting work (migrations, seeding) runs beside the
    /// server, so the port opens at once and `/health/ready` says 503 until it is done.
    public func buildApplication() -> some ApplicationProtocol {
        Application(
            router: self.buildRouter(),
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(self.settings.httpIdleTimeout.components.seconds) * 1_000_000_000))),
            configuration: .init(address: .hostname(self.settings.host, port: self.settings.port), serverName: nil),
            logger: self.logger
        )
    }

    /// Migrates and prepares every service, then marks the process ready.
    public func start() async throws {
        for unit in self.units {
            if let database = unit.database {
                try await Migrator.migrate(database, service: unit.name, migrations: unit.migrations, logger: self.logger)
            }
            try await unit.prepare(self.logger)
        }
        self.readiness.set(.ready)
        self.logger.info("Ready", metadata: ["services": "\(self.units.map(\.name).joined(separator: ","))"])
    }

    /// Runs until SIGTERM/SIGINT: then readiness flips to draining, the server stops
    /// accepting and finishes in-flight requests (bounded by the shutdown timeout), and the
    /// database pools close last.
    public func run(databaseServices: [any Service]) async throws {
        let app = self.buildApplication()
        // Shut down in reverse: readiness first, then HTTP, background work, gRPC, pools.
        var configuration = ServiceGroupConfiguration(
            services: databaseServices + self.rpcServices() + self.backgroundServices() + [app, StartupWorker(platform: self)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: self.logger
        )
        configuration.maximumGracefulShutdownDuration = .seconds(self.settings.shutdownTimeoutSeconds)
        try await ServiceGroup(configuration: configuration).run()
    }
}

extension Platform {
    /// The gRPC server and clients of this process, as lifecycle services.
    public func rpcServices() -> [any Service] {
        self.rpc?.lifecycleServices(serving: self.units.flatMap(\.rpcServices), readiness: self.readiness) ?? []
    }

    /// Every unit's background work, each started once the process is ready.
    func backgroundServices() -> [any Service] {
        self.units.flatMap(\.background).map { AfterReady(service: $0, readiness: self.readiness) }
    }

    /// Runs `body` with this platform's gRPC server, clients and background work running
    /// beside it (for tests and tools that drive a platform without `run`).
    public func withServices<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withRunning(self.rpcServices() + self.backgroundServices(), body)
    }
}

/// Runs `body` with `services` running beside it, then shuts them down gracefully (never by
/// cancelling a server: NIO's async server channels can trap when a connection accepted at
/// that moment is dropped, apple/swift-nio#2637). A service that fails while `body` runs
/// makes this throw.
public func withRunning<T: Sendable>(_ services: [any Service], _ body: @Sendable () async throws -> T) async throws -> T {
    var logger = Logger(label: "emporium.services")
    logger.logLevel = .warning
    let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}

/// Starts a background service once the process is ready (its schema migrated).
struct AfterReady: Service {
    let service: any Service
    let readiness: Readiness

    func run() async throws {
        while self.readiness.state == .starting {
            if Task.isShuttingDownGracefully { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await self.service.run()
    }
}

/// Runs `Platform.start()` beside the server, then waits for shutdown to flip readiness.
/// Listed last in the group, so on SIGTERM it hears first: readiness goes to draining, and
/// for the drain delay the server keeps serving (load balancers see the 503 and move on)
/// before it stops accepting and finishes what is in flight.
struct StartupWorker: Service {
    let platform: Platform

    func run() async throws {
        try await self.platform.start()
        try? await gracefulShutdown()
        self.platform.readiness.set(.draining)
        if self.platform.settings.drainDelay > .zero {
            self.platform.logger.info("Draining", metadata: ["delay": "\(self.platform.settings.drainDelay)"])
            try? await Task.sleep(for: self.platform.settings.drainDelay)
        }
    }
}
