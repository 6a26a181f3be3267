import Dispatch
public import GRPCCore
public import GRPCInProcessTransport
public import GRPCNIOTransportHTTP2Posix
public import Logging
public import Metrics
public import ServiceLifecycle

/// A client for one peer service, over whichever transport this process uses. Service
/// modules wrap it in their generated client (`Foo.Client(wrapping:)`) with `makeClient`,
/// and make every call through `call`, which applies the circuit breaker and measures it.
public struct RPCConnection: Sendable {
    enum Transport: Sendable {
        case inProcess(GRPCClient<InProcessTransport.Client>)
        case http2(GRPCClient<HTTP2ClientTransport.Posix>)
    }

    let transport: Transport
    /// Embedded: the services of this process, called in memory without gRPC's transport
    /// (nil when the network was made with `direct: false`, or under `serve`).
    public let direct: DirectRPCRouter?
    let breaker: CircuitBreaker
    let metrics: RPCMetrics
    /// Retries of UNAVAILABLE made here rather than by gRPC (in-process: see
    /// `RPCPolicy.serviceConfig`); nil when gRPC's own retry policy does them.
    let retries: RPCPolicy?

    /// How long a call may take when its options set no deadline.
    public var defaultTimeout: Duration {
        self.retries?.timeout ?? RPCPolicy().timeout
    }

    /// Exports `service`'s client-side counters at zero before any call (a client calls this
    /// once, when it is made), so an open circuit is a rise from zero, not a new series.
    public func register(_ service: ServiceDescriptor) {
        _ = self.metrics.rejectionCounter(service.fullyQualifiedService)
    }

    public func makeClient<Client>(
        inProcess: (GRPCClient<InProcessTransport.Client>) -> Client,
        http2: (GRPCClient<HTTP2ClientTransport.Posix>) -> Client
    ) -> Client {
        switch self.transport {
        case .inProcess(let client): inProcess(client)
        case .http2(let client): http2(client)
        }
    }

    /// Makes one call of `method` (all its retries included): refused at once while the
    /// peer's circuit is open, its outcome fed to the breaker and to
    /// `grpc_client_handled_total` / `grpc_client_handling_seconds`. `body` makes one attempt
    /// with the options it is given (the time left of the call's deadline when `call`
    /// retries itself; the method config's deadline otherwise).
    public func call<T: Sendable>(_ method: MethodDescriptor, _ body: (CallOptions) async throws -> T) async throws -> T {
        let service = method.service.fullyQualifiedService
        let start = DispatchTime.now().uptimeNanoseconds
        guard self.breaker.admit(service) else {
            self.metrics.recordRejection(service: service)
            self.metrics.record(method, code: .unavailable, startedAt: start)
            throw RPCError(code: .unavailable, message: "Circuit open: \(service) failed repeatedly; not calling it for now.")
        }
        do {
            let result = try await self.retrying(body)
            self.breaker.record(service, code: .ok)
            self.metrics.record(method, code: .ok, startedAt: start)
            return result
        } catch {
            let code = RPCMetrics.code(of: error)
            self.breaker.record(service, code: code)
            self.metrics.record(method, code: code, startedAt: start)
            throw error
        }
    }

    /// `body`, and again after a pause while it fails UNAVAILABLE, as gRPC's retry policy
    /// would (every internal call is idempotent), up to the policy's attempts — all within
    /// the one deadline of the call: each attempt gets only the time left, and no retry
    /// starts that could not finish before it.
    func retrying<T: Sendable>(_ body: (CallOptions) async throws -> T) async throws -> T {
        guard let policy = self.retries else { return try await body(.defaults) }
        let deadline = ContinuousClock.now + policy.timeout
        var attempt = 1
        while true {
            var options = CallOptions.defaults
            options.timeout = ContinuousClock.now.duration(to: deadline)
            do {
                return try await body(options)
            } catch let error as RPCError where error.code == .unavailable && attempt < policy.maxAttempts {
                let pause = policy.backoff(beforeRetry: attempt)
                guard ContinuousClock.now + pause < deadline else { throw error }
                try await Task.sleep(for: pause)
                attempt += 1
            }
        }
    }
}

/// How this process's services reach each other. Embedded: one in-process transport, every
/// service served and called in memory. `serve`: this process's services on an HTTP/2 port
/// of their own (never routed by the public NGINX), peers at the addresses configured as
/// `EMPORIUM_<SERVICE>_GRPC`. Either way every call carries the same policy (deadline,
/// retries on UNAVAILABLE, circuit breaker, metrics) and the request id travels along.
public final class RPCNetwork: Sendable {
    enum Mode: Sendable {
        case inProcess(InProcessTransport, GRPCClient<InProcessTransport.Client>, DirectRPCRouter?)
        case http2(listen: RPCEndpoints.Endpoint?, clients: [String: GRPCClient<HTTP2ClientTransport.Posix>])
    }

    let mode: Mode
    let policy: RPCPolicy
    public let breaker: CircuitBreaker
    let metrics: any MetricsFactory
    let clientMetrics: RPCMetrics
    let logger: Logger
    let extraServerInterceptors: [any ServerInterceptor]
    /// Under `serve` with a service secret: the server refuses calls without a service token.
    let credentials: ServiceCredentials?
    /// Under `serve`: each peer's addresses, which readiness probes.
    let peerEndpoints: [String: RPCEndpoints]

    private init(
        mode: Mode,
        policy: RPCPolicy,
        metrics: any MetricsFactory,
        logger: Logger,
        extraServerInterceptors: [any ServerInterceptor] = [],
        credentials: ServiceCredentials? = nil,
        peerEndpoints: [String: RPCEndpoints] = [:]
    ) {
        self.mode = mode
        self.policy = policy
        self.peerEndpoints = peerEndpoints
        self.extraServerInterceptors = extraServerInterceptors
        self.credentials = credentials
        self.breaker = CircuitBreaker(threshold: policy.breakerThreshold, openDuration: policy.breakerOpenDuration)
        self.metrics = metrics
        self.clientMetrics = RPCMetrics(side: .client, factory: metrics)
        self.logger = logger
    }

    static func clientInterceptors(_ credentials: ServiceCredentials?) -> [any ClientInterceptor] {
        guard let credentials else { return [RequestIDClientInterceptor()] }
        return [RequestIDClientInterceptor(), ServiceTokenClientInterceptor(credentials: credentials)]
    }

    /// Every service in this process, called in memory: as function calls through a
    /// `DirectRPCRouter` (gRPC's in-process transport with `direct: false`, which
    /// `emporium-bench rpc` compares). `serverInterceptors` run after the standard ones
    /// (tests use them to make a service fail or stall on demand).
    public static func inProcess(
        policy: RPCPolicy = RPCPolicy(),
        metrics: any MetricsFactory,
        logger: Logger,
        serverInterceptors: [any ServerInterceptor] = [],
        direct: Bool = true
    ) -> RPCNetwork {
        let transport = InProcessTransport(serviceConfig: policy.serviceConfig(roundRobin: false, retries: false))
        let client = GRPCClient(transport: transport.client, interceptors: Self.clientInterceptors(nil))
        let router = direct ? DirectRPCRouter() : nil
        return RPCNetwork(mode: .inProcess(transport, client, router), policy: policy, metrics: metrics, logger: logger, extraServerInterceptors: serverInterceptors)
    }

    /// This process serves its RPCs on `listen` (if it has any) and calls `peers` over HTTP/2.
    /// With `credentials`, every call out carries a service token and every call in must.
    public static func http2(
        listen: RPCEndpoints.Endpoint?,
        peers: [String: RPCEndpoints],
        policy: RPCPolicy = RPCPolicy(),
        metrics: any MetricsFactory,
        logger: Logger,
        credentials: ServiceCredentials? = nil
    ) throws -> RPCNetwork {
        var clients: [String: GRPCClient<HTTP2ClientTransport.Posix>] = [:]
        for (service, endpoints) in peers {
            let transport = try HTTP2ClientTransport.Posix(
                target: Self.target(endpoints),
                transportSecurity: .plaintext,
                config: .defaults { config in
                    // gRPC's default reconnect backoff (1 s, growing to 2 min) would leave a
                    // peer that restarted unused for minutes; peers here are close and cheap
                    // to redial.
                    config.backoff = .init(initial: .milliseconds(100), max: .seconds(2), multiplier: 1.6, jitter: 0.2)
                },
                serviceConfig: policy.serviceConfig(roundRobin: true)
            )
            clients[service] = GRPCClient(transport: transport, interceptors: Self.clientInterceptors(credentials))
        }
        return RPCNetwork(
            mode: .http2(listen: listen, clients: clients), policy: policy, metrics: metrics, logger: logger,
            credentials: credentials, peerEndpoints: peers
        )
    }

    static func target(_ endpoints: RPCEndpoints) -> any ResolvableTarget {
        let pairs = endpoints.endpoints.map { (host: $0.host, port: $0.port) }
        if pairs.count == 1 {
            let only = pairs[0]
            if RPCEndpoints.isIPv4(only.host) { return ResolvableTargets.IPv4.ipv4(address: only.host, port: only.port) }
            if only.host.contains(":") { return ResolvableTargets.IPv6.ipv6(address: only.host, port: only.port) }
            return ResolvableTargets.DNS.dns(host: only.host, port: only.port)
        }
        if pairs.allSatisfy({ RPCEndpoints.isIPv4($0.host) }) {
            return ResolvableTargets.IPv4.ipv4(pairs: pairs)
        }
        return ResolvableTargets.IPv6.ipv6(pairs: pairs)
    }

    /// The client for `service` (a `PeerClient.peer`). Under `serve`, its address must
    /// be configured (`EMPORIUM_<SERVICE>_GRPC`); the process refuses to start otherwise.
    public func connection(to service: String) throws -> RPCConnection {
        switch self.mode {
        case .inProcess(_, let client, let router):
            return RPCConnection(transport: .inProcess(client), direct: router, breaker: self.breaker, metrics: self.clientMetrics, retries: self.policy)
        case .http2(_, let clients):
            guard let client = clients[service] else {
                throw ConfigurationError.missing(key: "EMPORIUM_\(service.uppercased())_GRPC (or --\(service)-grpc)")
            }
            return RPCConnection(transport: .http2(client), direct: nil, breaker: self.breaker, metrics: self.clientMetrics, retries: nil)
        }
    }

    /// The gRPC server for `services` (when there are any to serve) and every client, as
    /// lifecycle services. Calls that arrive before `readiness` is ready get UNAVAILABLE, which
    /// callers retry.
    public func lifecycleServices(serving services: [any RegistrableRPCService], readiness: Readiness) -> [any Service] {
        // The token check runs after the metrics one, so refused calls show as UNAUTHENTICATED.
        var interceptors: [any ServerInterceptor] = [
            RequestIDServerInterceptor(), ServerMetricsInterceptor(factory: self.metrics), UnexpectedErrorInterceptor(logger: self.logger),
        ]
        if let credentials = self.credentials {
            interceptors.append(ServiceTokenServerInterceptor(credentials: credentials))
        }
        interceptors.append(ReadinessInterceptor(readiness: readiness))
        interceptors += self.extraServerInterceptors
        switch self.mode {
        case .inProcess(let transport, let client, let router):
            var result: [any Service] = [
                RPCClientRunner(client: client),
                RPCServerRunner(server: GRPCServer(transport: transport.server, services: services, interceptors: interceptors)),
            ]
            if let router {
                // Direct calls carry the request id as a task-local already: no metadata to read.
                router.serve(services, interceptors: interceptors.filter { !($0 is RequestIDServerInterceptor) })
                result.append(DirectRPCRunner(router: router))
            }
            return result
        case .http2(let listen, let clients):
            var result: [any Service] = clients.values.map { RPCClientRunner(client: $0) }
            if let listen, !services.isEmpty {
                let address: GRPCNIOTransportCore.SocketAddress =
                    listen.host.contains(":") ? .ipv6(host: listen.host, port: listen.port) : .ipv4(host: listen.host, port: listen.port)
                let transport = HTTP2ServerTransport.Posix(address: address, transportSecurity: .plaintext)
                result.append(RPCServerRunner(server: GRPCServer(transport: transport, services: services, interceptors: interceptors)))
                self.logger.info("gRPC listening", metadata: ["address": "\(listen.host):\(listen.port)"])
            }
            return result
        }
    }
}

/// A gRPC server as a lifecycle service: serves until graceful shutdown, then lets in-flight
/// calls finish.
struct RPCServerRunner<Transport: ServerTransport>: Service {
    let server: GRPCServer<Transport>

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await self.server.serve()
        } onGracefulShutdown: {
            self.server.beginGracefulShutdown()
        }
    }
}

/// A gRPC client's connections as a lifecycle service.
struct RPCClientRunner<Transport: ClientTransport>: Service {
    let client: GRPCClient<Transport>

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await self.client.runConnections()
        } onGracefulShutdown: {
            self.client.beginGracefulShutdown()
        }
    }
}

/// UNAVAILABLE until the process is ready (migrations done): callers retry rather than
/// reading a half-built schema.
struct ReadinessInterceptor: ServerInterceptor {
    let readiness: Readiness

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        guard self.readiness.state != .starting else {
            throw RPCError(code: .unavailable, message: "Starting up.")
        }
        return try await next(request, context)
    }
}
