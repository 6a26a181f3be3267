import EmporiumCart
import EmporiumClients
@testable import EmporiumCore
import EmporiumProto
import EmporiumTesting
import Foundation
import GRPCCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import Synchronization
import Testing

/// The kit's gRPC layer over every way it calls: direct (embedded's default: function calls
/// through `DirectRPCRouter`), gRPC's in-process transport, and a real loopback HTTP/2 port
/// (`serve`): request ids, deadlines, retries, the circuit breaker, metrics, and how failures
/// reach an HTTP client — the same on each.
@Suite struct RPCTransportTests {
    enum Transport: String, CaseIterable, CustomStringConvertible {
        case direct, inProcess, http2
        var description: String { self.rawValue }
    }

    /// A catalog stand-in whose behaviour each test picks: echoes the caller's request id as
    /// the product name, optionally after a delay or after failing the first calls.
    final class TestCatalog: Emporium_Catalog_V1_CatalogService.SimpleServiceProtocol, DirectRPCService {
        let delay: Duration
        let failures: Int
        let calls = Atomic<Int>(0)
        /// Ends a delay early, so a slow handler does not hold up the server's shutdown.
        let released = Atomic<Bool>(false)

        init(delay: Duration = .zero, failures: Int = 0) {
            self.delay = delay
            self.failures = failures
        }

        func lookupVariants(request: Emporium_Catalog_V1_LookupVariantsRequest, context: ServerContext) async throws -> Emporium_Catalog_V1_LookupVariantsResponse {
            let call = self.calls.wrappingAdd(1, ordering: .relaxed).newValue
            if call <= self.failures {
                throw RPCError(code: .unavailable, message: "Not yet.")
            }
            let until = ContinuousClock.now + self.delay
            while ContinuousClock.now < until && !self.released.load(ordering: .relaxed) {
                try await Task.sleep(for: .milliseconds(20))
            }
            guard request.skus.allSatisfy({ !$0.isEmpty }) else {
                throw RPCError(code: .invalidArgument, message: "Empty SKU.")
            }
            var response = Emporium_Catalog_V1_LookupVariantsResponse()
            response.variants = request.skus.map { sku in
                var variant = Emporium_Catalog_V1_VariantInfo()
                variant.sku = sku
                variant.productName = RequestMetadata.requestID ?? "none"
                variant.priceAmount = 100
                variant.currency = "USD"
                return variant
            }
            return response
        }

        func registerDirect(with router: DirectRPCRouter) {
            router.register(Emporium_Catalog_V1_CatalogService.Method.LookupVariants.descriptor) {
                try await self.lookupVariants(request: $0, context: $1)
            }
        }

        // Not what these tests exercise: the storefront's reads have their own tests.
        func listCategories(request: Emporium_Catalog_V1_ListCategoriesRequest, context: ServerContext) async throws -> Emporium_Catalog_V1_ListCategoriesResponse {
            throw RPCError(code: .unimplemented, message: "not in this test")
        }

        func listProducts(request: Emporium_Catalog_V1_ListProductsRequest, context: ServerContext) async throws -> Emporium_Catalog_V1_ListProductsResponse {
            throw RPCError(code: .unimplemented, message: "not in this test")
        }

        func getProduct(request: Emporium_Catalog_V1_GetProductRequest, context: ServerContext) async throws -> Emporium_Catalog_V1_Product {
            throw RPCError(code: .unimplemented, message: "not in this test")
        }
    }

    static let logger = Logger(label: "test")

    /// A client-only HTTP/2 network that reaches "catalog" at `port` on loopback.
    static func catalogCaller(port: Int, policy: RPCPolicy, metrics: MetricsRegistry) throws -> RPCNetwork {
        try RPCNetwork.http2(
            listen: nil,
            peers: ["catalog": try RPCEndpoints(parsing: "127.0.0.1:\(port)", key: "catalogGrpc")],
            policy: policy,
            metrics: metrics.factory,
            logger: Self.logger
        )
    }

    /// A server network serving `service` and a client network calling it as "catalog".
    static func withCatalog<T: Sendable>(
        _ transport: Transport,
        serving service: TestCatalog,
        // Generous: the whole suite shares two cores, and only the deadline test wants a short one.
        policy: RPCPolicy = RPCPolicy(timeout: .seconds(15)),
        metrics: MetricsRegistry = MetricsRegistry(),
        _ body: @Sendable (CatalogClient, RPCNetwork) async throws -> T
    ) async throws -> T {
        let ready = Readiness()
        ready.set(.ready)
        switch transport {
        case .direct, .inProcess:
            let network = RPCNetwork.inProcess(policy: policy, metrics: metrics.factory, logger: Self.logger, direct: transport == .direct)
            return try await withRunning(network.lifecycleServices(serving: [service], readiness: ready)) {
                try await body(try network.client(CatalogClient.self), network)
            }
        case .http2:
            let port = try FreePort.find()
            let server = try RPCNetwork.http2(listen: .init(host: "127.0.0.1", port: port), peers: [:], metrics: metrics.factory, logger: Self.logger)
            let client = try Self.catalogCaller(port: port, policy: policy, metrics: metrics)
            return try await withRunning(server.lifecycleServices(serving: [service], readiness: ready)) {
                // The server binds in the background; on a loaded machine that can take seconds.
                let deadline = ContinuousClock.now + .seconds(30)
                while !FreePort.isListening(port) && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                // The client connects only now: a first dial refused before the server
                // listened would leave the channel backing off (waitForReady is off), and
                // the test's first call would fail fast instead of testing its case.
                return try await withRunning(client.lifecycleServices(serving: [], readiness: ready)) {
                    try await body(try client.client(CatalogClient.self), client)
                }
            }
        }
    }

    @Test(arguments: Transport.allCases)
    func callsCarryTheRequestId(_ transport: Transport) async throws {
        try await Self.withCatalog(transport, serving: TestCatalog()) { catalog, _ in
            let variants = try await RequestMetadata.$requestID.withValue("req-42") {
                try await catalog.variants(skus: ["A", "B"])
            }
            #expect(variants["A"]?.productName == "req-42")
            #expect(variants.count == 2)
        }
    }

    @Test(arguments: Transport.allCases)
    func everyCallHasADeadline(_ transport: Transport) async throws {
        let policy = RPCPolicy(timeout: .milliseconds(150))
        let slow = TestCatalog(delay: .seconds(30))
        try await Self.withCatalog(transport, serving: slow, policy: policy) { catalog, _ in
            defer { slow.released.store(true, ordering: .relaxed) }
            let started = ContinuousClock.now
            let error = await #expect(throws: RPCError.self) { _ = try await catalog.variants(skus: ["A"]) }
            #expect(error?.code == .deadlineExceeded)
            // The handler would take 30 s; the 150 ms deadline ends the call long before (the
            // bound is loose because the whole suite shares two cores).
            #expect(ContinuousClock.now - started < .seconds(15))
            let problem = error.map { Problem.from($0, calling: "catalog") }
            #expect(problem?.status == .serviceUnavailable)
        }
    }

    @Test(arguments: Transport.allCases)
    func unavailableIsRetried(_ transport: Transport) async throws {
        let flaky = TestCatalog(failures: 2)
        try await Self.withCatalog(transport, serving: flaky) { catalog, _ in
            let found = try await catalog.variants(skus: ["A"])
            #expect(found.count == 1)
            #expect(flaky.calls.load(ordering: .relaxed) == 3)
        }
    }

    @Test(arguments: Transport.allCases)
    func invalidArgumentsBecome422(_ transport: Transport) async throws {
        try await Self.withCatalog(transport, serving: TestCatalog()) { catalog, _ in
            let error = await #expect(throws: RPCError.self) { _ = try await catalog.variants(skus: [""]) }
            #expect(error?.code == .invalidArgument)
            #expect(error.map { Problem.from($0, calling: "catalog").status } == .unprocessableContent)
        }
    }

    @Test(arguments: Transport.allCases)
    func methodsAreMeasured(_ transport: Transport) async throws {
        let metrics = MetricsRegistry()
        try await Self.withCatalog(transport, serving: TestCatalog(), metrics: metrics) { catalog, _ in
            _ = try await catalog.variants(skus: ["A"])
            _ = try? await catalog.variants(skus: [""])
        }
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        for side in ["client", "server"] {
            #expect(text.contains(#"grpc_\#(side)_handled_total{grpc_service="emporium.catalog.v1.CatalogService",grpc_method="LookupVariants",grpc_code="OK"} 1"#))
            #expect(text.contains(#"grpc_\#(side)_handled_total{grpc_service="emporium.catalog.v1.CatalogService",grpc_method="LookupVariants",grpc_code="INVALID_ARGUMENT"} 1"#))
            #expect(text.contains("grpc_\(side)_handling_seconds_bucket"))
        }
    }

    /// A peer nobody answers: calls fail UNAVAILABLE, the circuit opens, later calls fail at
    /// once, and an HTTP client of the cart gets a clear 503 problem with Retry-After.
    @Test func aDeadPeerOpensTheCircuit() async throws {
        let dead = try FreePort.dead()
        defer { dead.release() }
        let policy = RPCPolicy(timeout: .seconds(1), maxAttempts: 2, breakerThreshold: 3, breakerOpenDuration: .seconds(30))
        let metrics = MetricsRegistry()
        let network = try Self.catalogCaller(port: dead.port, policy: policy, metrics: metrics)
        _ = try await TestDatabase.with(.sqlite, metrics: metrics.factory) { database in
            let platform = Platform(
                settings: ServerSettings(),
                units: [try CartService.build(ServiceContext(database: database, verifier: TestTokenVerifier(), network: network), settings: NoSettings())],
                metrics: metrics,
                rpc: network,
                logger: Self.logger
            )
            try await platform.start()
            try await platform.withServices {
                try await platform.buildApplication().test(.router) { client in
                    let headers: HTTPFields = [.authorization: "Bearer \(TestTokenVerifier.customerToken)"]
                    for _ in 0..<3 {
                        try await client.execute(uri: "/api/v1/cart/items", method: .post, headers: headers, body: .json(["sku": "A", "quantity": 1])) { response in
                            let problem = response.expectProblem(.serviceUnavailable)
                            #expect(response.headers[.retryAfter] != nil)
                            #expect(problem?.detail.contains("catalog") == true)
                        }
                    }
                    #expect(network.breaker.isOpen("emporium.catalog.v1.CatalogService"))
                    // Now refused without trying the peer at all.
                    try await client.execute(uri: "/api/v1/cart/items", method: .post, headers: headers, body: .json(["sku": "A", "quantity": 1])) { response in
                        response.expectProblem(.serviceUnavailable)
                    }
                    try await client.execute(uri: "/metrics", method: .get) { response in
                        let text = String(buffer: response.body)
                        #expect(text.contains(#"grpc_code="UNAVAILABLE""#))
                        #expect(text.contains(#"grpc_client_circuit_rejections_total{grpc_service="emporium.catalog.v1.CatalogService"} 1"#))
                    }
                }
            }
        }
    }

    @Test func endpointsParse() throws {
        #expect(try RPCEndpoints(parsing: "catalog:9091", key: "k").endpoints == [.init(host: "catalog", port: 9091)])
        #expect(try RPCEndpoints(parsing: "10.0.0.1:1, 10.0.0.2:2", key: "k").endpoints.count == 2)
        #expect(try RPCEndpoints(parsing: "[::1]:9090", key: "k").endpoints == [.init(host: "::1", port: 9090)])
        for bad in ["", "catalog", "catalog:", "catalog:0", "catalog:70000", ":80", "a:1,b:2", "10.0.0.1:1,"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try RPCEndpoints(parsing: bad, key: "k") }
        }
    }

    @Test func theBreakerClosesAfterASuccessfulTrial() async throws {
        let breaker = CircuitBreaker(threshold: 2, openDuration: .milliseconds(500))
        let service = "s"
        #expect(breaker.isOpen(service) == false)
        for _ in 0..<2 {
            #expect(breaker.admit(service))
            breaker.record(service, code: .unavailable)
        }
        #expect(breaker.isOpen(service))
        #expect(breaker.admit(service) == false)
        try await Task.sleep(for: .milliseconds(600))
        #expect(breaker.admit(service))  // the trial
        #expect(breaker.admit(service) == false)  // only one at a time
        breaker.record(service, code: .ok)
        #expect(breaker.admit(service) && !breaker.isOpen(service))
        // A refusal of bad input is a healthy peer's answer; a cancelled call says nothing.
        breaker.record(service, code: .unavailable)
        breaker.record(service, code: .invalidArgument)
        breaker.record(service, code: .unavailable)
        breaker.record(service, code: .cancelled)
        #expect(!breaker.isOpen(service))
        breaker.record(service, code: .internalError)
        #expect(breaker.isOpen(service))
    }

    @Test func peerBugsAre500sNotRetryLater() {
        #expect(Problem.from(RPCError(code: .internalError, message: "boom"), calling: "x").status == .internalServerError)
        #expect(Problem.from(RPCError(code: .unknown, message: "boom"), calling: "x").status == .internalServerError)
        #expect(Problem.from(RPCError(code: .unavailable, message: "down"), calling: "x").status == .serviceUnavailable)
        #expect(Problem.from(RPCError(code: .notFound, message: "no"), calling: "x").status == .notFound)
        #expect(Problem.from(RPCError(code: .failedPrecondition, message: "no"), calling: "x").status == .conflict)
    }
}
