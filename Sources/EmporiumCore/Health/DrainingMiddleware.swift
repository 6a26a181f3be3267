public import Hummingbird

/// While the process drains (SIGTERM, before the server stops accepting), every response
/// says `Connection: close`, so the client — NGINX's keep-alive pool above all — closes the
/// connection itself once it has its answer. Without it the server closes the idle
/// connections when it stops accepting, and a POST NGINX wrote on one at that instant fails
/// with 502 (a request it sent is never retried on the other instance); with it, by the end
/// of the drain NGINX has dropped the connections it used and dials anew, which a stopped
/// listener refuses at once and NGINX retries elsewhere, POSTs included.
public struct DrainingMiddleware: RouterMiddleware {
    public typealias Context = EmporiumRequestContext
    let readiness: Readiness

    public init(readiness: Readiness) {
        self.readiness = readiness
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if self.readiness.state == .draining {
            response.headers[.connection] = "close"
        }
        return response
    }
}
