public import Hummingbird

/// While migrations and seeding run after the port opens, an API request waits up to
/// `wait` for the process to be ready, then gets a 503 with `Retry-After` instead of
/// touching half-made tables. Health and metrics are never held.
public struct StartingGateMiddleware: RouterMiddleware {
    public typealias Context = EmporiumRequestContext
    let readiness: Readiness
    let wait: Duration

    public init(readiness: Readiness, wait: Duration = .zero) {
        self.readiness = readiness
        self.wait = wait
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if self.readiness.state == .starting, !request.uri.path.hasPrefix("/health/"), request.uri.path != "/metrics" {
            guard await self.readiness.waitWhileStarting(upTo: self.wait) else {
                throw Problem.serviceUnavailable("The service is starting; try again shortly.")
            }
        }
        return try await next(request, context)
    }
}
