public import Foundation
public import JWTKit
import Synchronization

/// Verifies access tokens locally against identity's public keys (the JWKS): signature
/// with the key named by `kid`, algorithm pinned by that key (so `alg: none` or `HS256`
/// tricks fail), then expiry, not-before, audience and issuer. Any failure is a 401.
///
/// A token that verified once is remembered until it expires: a shopper sends the same
/// token with every request for 15 minutes, and an Ed25519 check costs more than the rest
/// of a cached catalog read. Access tokens are not revocable before expiry in this design
/// (refresh tokens are), so the memo changes no answer.
public struct JWTVerifier: TokenVerifier {
    /// Where the keys come from: identity's key ring in-process, or a JWKS fetched over HTTP.
    public let keys: any JWTKeySource
    private let verified: VerifiedTokens

    public init(keys: any JWTKeySource, capacity: Int = 50_000) {
        self.keys = keys
        self.verified = VerifiedTokens(capacity: capacity)
    }

    public func verify(bearerToken: String) async throws -> Principal {
        let now = Date()
        if let principal = self.verified.principal(for: bearerToken, at: now) {
            return principal
        }
        let claims: AccessTokenClaims
        do {
            claims = try await self.keys.verify(bearerToken)
        } catch {
            throw Problem.unauthorized("The bearer token is invalid or expired.")
        }
        let principal = Principal(userId: claims.sub.value, roles: Set(claims.roles.map(Role.init(rawValue:))))
        self.verified.remember(bearerToken, principal, until: claims.exp.value)
        return principal
    }
}

/// Tokens already verified, with their expiry; bounded (cleared when full).
final class VerifiedTokens: Sendable {
    private let entries = Mutex<[String: (principal: Principal, expires: Date)]>([:])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func principal(for token: String, at now: Date) -> Principal? {
        self.entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.expires > now else {
                entries[token] = nil
                return nil
            }
            return entry.principal
        }
    }

    func remember(_ token: String, _ principal: Principal, until expires: Date) {
        self.entries.withLock { entries in
            if entries.count >= self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = (principal, expires)
        }
    }
}

/// A set of verification keys that can check a token's signature and claims.
public protocol JWTKeySource: Sendable {
    func verify(_ token: String) async throws -> AccessTokenClaims
}
