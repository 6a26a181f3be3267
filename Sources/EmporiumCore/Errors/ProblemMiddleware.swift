public import Hummingbird
import Logging

/// Turns every failure into problem+json: our `Problem`s and each service's typed errors
/// (through their tables, `Problem.answering`), Hummingbird's own
/// `HTTPError`s (404 for unknown paths, 413 from body collection) mapped to the same shape,
/// a path that exists under another method to 405 with `Allow`, and anything unexpected
/// to a logged 500 that reveals nothing.
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = EmporiumRequestContext

    let routes: RouteTable

    public init(routes: RouteTable) {
        self.routes = routes
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error where Problem.answering(error) != nil {
            return (Problem.answering(error) ?? .internalError).response()
        } catch let error as HTTPError {
            return self.problem(for: error, request: request, context: context).response()
        } catch let error as any HTTPResponseError {
            // Other library errors that already know their status keep it.
            return Problem(
                status: error.status,
                slug: "http-\(error.status.code)",
                title: error.status.reasonPhrase,
                detail: error.status.reasonPhrase
            ).response()
        } catch {
            context.logger.error("Unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return Problem.internalError.response()
        }
    }

    private func problem(for error: HTTPError, request: Request, context: Context) -> Problem {
        switch error.status {
        case .notFound where context.endpointPath == nil || context.endpointPath == "NotFound":
            // Hummingbird's fallback responder marks unrouted requests "NotFound".
            let allowed = self.routes.allowedMethods(forPath: request.uri.path)
            if !allowed.isEmpty {
                return .methodNotAllowed(allowed: allowed)
            }
            return .notFound("No resource at \(request.uri.path).")
        case .contentTooLarge:
            return .contentTooLarge(limit: context.maxUploadSize)
        default:
            return Problem(
                status: error.status,
                slug: "http-\(error.status.code)",
                title: error.status.reasonPhrase,
                detail: error.body ?? error.status.reasonPhrase,
                headers: error.headers
            )
        }
    }
}
