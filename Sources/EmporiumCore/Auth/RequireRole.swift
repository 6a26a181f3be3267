public import Hummingbird

/// Guards a route group: no or an invalid bearer token → 401; a valid one without the
/// role → 403. On success the principal is in the context for the handler.
public struct RequireRole: RouterMiddleware {
    public typealias Context = EmporiumRequestContext
    let role: Role?
    let verifier: any TokenVerifier

    /// `role == nil` asks only for a signed-in user.
    public init(_ role: Role?, verifier: any TokenVerifier) {
        self.role = role
        self.verifier = verifier
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthorized()
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw Problem.unauthorized("The Authorization header must be `Bearer <token>`.")
        }
        let principal = try await self.verifier.verify(bearerToken: String(parts[1]))
        if let role = self.role, !principal.roles.contains(role) {
            throw Problem.forbidden()
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
