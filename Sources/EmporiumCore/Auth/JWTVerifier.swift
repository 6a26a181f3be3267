public import JWTKit

/// Verifies access tokens locally against identity's public keys (the JWKS): signature
/// with the key named by `kid`, algorithm pinned by that key (so `alg: none` or `HS256`
/// tricks fail), then expiry, not-before, audience and issuer. Any failure is a 401.
public struct JWTVerifier: TokenVerifier {
    /// Where the keys come from: identity's key ring in-process, or a JWKS fetched over HTTP.
    public let keys: any JWTKeySource

    public init(keys: any JWTKeySource) {
        self.keys = keys
    }

    public func verify(bearerToken: String) async throws -> Principal {
        do {
            let claims = try await self.keys.verify(bearerToken)
            return Principal(userId: claims.sub.value, roles: Set(claims.roles.map(Role.init(rawValue:))))
        } catch {
            throw Problem.unauthorized("The bearer token is invalid or expired.")
        }
    }
}

/// A set of verification keys that can check a token's signature and claims.
public protocol JWTKeySource: Sendable {
    func verify(_ token: String) async throws -> AccessTokenClaims
}
