public import Hummingbird

/// Applies the configured request body limit: a declared `Content-Length` over it is refused
/// at once (413) without reading; chunked bodies are cut off when collected.
public struct BodyLimitMiddleware: RouterMiddleware {
    public typealias Context = EmporiumRequestContext
    let limit: Int

    public init(limit: Int) {
        self.limit = limit
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > self.limit {
            throw Problem.contentTooLarge(limit: self.limit)
        }
        var context = context
        context.bodyLimit = self.limit
        return try await next(request, context)
    }
}
