public import Hummingbird
public import Metrics

/// Every request but health checks and metrics (which must answer however busy the
/// process is: an overloaded instance is alive, and its metrics show why), identity's
/// public keys (a service starting next to a busy identity needs them to verify anything)
/// and sign-ins passes the admission gate; a refused one gets 503 + Retry-After at once, counted in
/// `http_requests_shed_total`.
///
/// Sign-ins (the API's login and register, the storefront's pages for them) have a gate
/// of their own, identity's bcrypt queue, bounded by its expected wait: a burst of them
/// waits there for seconds, and counted here it would fill every slot and shed the rest of
/// the shop (seen in the sign-in storm benchmark: 357 requests refused while 150 shoppers
/// logged in at once).
public struct AdmissionMiddleware: RouterMiddleware {
    public typealias Context = EmporiumRequestContext
    let gate: AdmissionGate
    let shed: Counter

    /// Paths whose POST is bounded by identity's bcrypt gate instead.
    static let ownGate: Set<String> = ["/api/v1/auth/login", "/api/v1/auth/register", "/login", "/register"]

    public init(gate: AdmissionGate, factory: any MetricsFactory) {
        self.gate = gate
        self.shed = Counter(label: "http_requests_shed_total", factory: factory)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path.hasPrefix("/health/") || path == "/metrics" || path == "/.well-known/jwks.json"
            || (request.method == .post && Self.ownGate.contains(path))
        {
            return try await next(request, context)
        }
        guard await self.gate.enter() == .admitted else {
            self.shed.increment()
            throw Problem.serviceUnavailable("The shop is busier than it can serve right now; try again in a moment.", retryAfterSeconds: 1)
        }
        defer { self.gate.leave() }
        return try await next(request, context)
    }
}
