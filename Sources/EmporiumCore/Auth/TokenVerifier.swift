/// Turns a bearer token into a `Principal`, or throws `Problem.unauthorized`.
///
/// This is the seam the identity service plugs its JWT/JWKS verifier into; routes only ever
/// say which role they need (`RequireRole`), so nothing changes in them when it does.
public protocol TokenVerifier: Sendable {
    func verify(bearerToken: String) async throws -> Principal
}

/// The verifier until identity exists: no token is valid, so guarded routes answer 401.
public struct RejectAllTokens: TokenVerifier {
    public init() {}

    public func verify(bearerToken: String) async throws -> Principal {
        throw Problem.unauthorized("No token issuer is configured, so no bearer token is accepted.")
    }
}
