public import Hummingbird
public import Metrics

/// Every request but health checks and metrics (which must answer however busy the
/// process is: an overloaded instance is alive, and its metrics show why) passes the
/// admission gate; a refused one gets 503 + Retry-After at once, counted in
/// `http_requests_shed_total`.
public struct AdmissionMiddleware: RouterMiddleware {
    public typealias Context = EmporiumRequestContext
    let gate: AdmissionGate
    let shed: Counter

    public init(gate: AdmissionGate, factory: any MetricsFactory) {
        self.gate = gate
        self.shed = Counter(label: "http_requests_shed_total", factory: factory)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path.hasPrefix("/health/") || path == "/metrics" { return try await next(request, context) }
        guard await self.gate.enter() == .admitted else {
            self.shed.increment()
            throw Problem.serviceUnavailable("The shop is busier than it can serve right now; try again in a moment.", retryAfterSeconds: 1)
        }
        defer { self.gate.leave() }
        return try await next(request, context)
    }
}
