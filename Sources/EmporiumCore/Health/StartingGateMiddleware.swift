public import Hummingbird

/// While migrations and seeding run after the port opens, API requests get a fast 503 with
/// `Retry-After` instead of touching half-made tables. Health and metrics stay reachable.
public struct StartingGateMiddleware: RouterMiddleware {
    public typealias Context = EmporiumRequestContext
    let readiness: Readiness

    public init(readiness: Readiness) {
        self.readiness = readiness
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if self.readiness.state == .starting, !request.uri.path.hasPrefix("/health/"), request.uri.path != "/metrics" {
            throw Problem.serviceUnavailable("The service is starting; try again shortly.")
        }
        return try await next(request, context)
    }
}
