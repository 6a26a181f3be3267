public import AsyncHTTPClient
import Foundation
import JWTKit
public import Logging
import NIOCore
import NIOHTTP1

/// Identity's public keys fetched over HTTP (`GET <identity>/.well-known/jwks.json`) for a
/// service running in its own process: cached, refreshed every `maxAge`, and refetched
/// when a token names a `kid` the cache lacks (a rotation) — at most once per
/// `minimumRefetchInterval`, so made-up kids cannot turn every request into a fetch.
public actor RemoteJWKS: JWTKeySource {
    private let url: String
    private let client: HTTPClient
    private let logger: Logger
    private let maxAge: Duration
    private let minimumRefetchInterval: Duration
    private var keys: JWTKeyCollection?
    private var fetchedAt: ContinuousClock.Instant?

    public init(
        identityURL: String,
        client: HTTPClient = .shared,
        logger: Logger,
        maxAge: Duration = .seconds(300),
        minimumRefetchInterval: Duration = .seconds(10)
    ) {
        self.url = identityURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/.well-known/jwks.json"
        self.client = client
        self.logger = logger
        self.maxAge = maxAge
        self.minimumRefetchInterval = minimumRefetchInterval
    }

    public func verify(_ token: String) async throws -> AccessTokenClaims {
        let keys: JWTKeyCollection
        if let cached = self.keys, let fetchedAt = self.fetchedAt, ContinuousClock.now - fetchedAt < self.maxAge {
            keys = cached
        } else {
            keys = try await self.fetch()
        }
        do {
            return try await keys.verify(token, as: AccessTokenClaims.self)
        } catch let error as JWTError where error.errorType == .unknownKID {
            guard let fetchedAt = self.fetchedAt, ContinuousClock.now - fetchedAt >= self.minimumRefetchInterval else { throw error }
            return try await self.fetch().verify(token, as: AccessTokenClaims.self)
        }
    }

    private func fetch() async throws -> JWTKeyCollection {
        var request = HTTPClientRequest(url: self.url)
        request.method = .GET
        do {
            let response = try await self.client.execute(request, timeout: .seconds(5))
            guard response.status == .ok else {
                throw Problem.serviceUnavailable("The identity service answered \(response.status.code) for its keys.")
            }
            let body = try await response.body.collect(upTo: 1 << 20)
            let keys = try await JWTKeyCollection().add(jwksJSON: String(buffer: body))
            self.keys = keys
            self.fetchedAt = .now
            return keys
        } catch {
            self.logger.error("Could not fetch identity's JWKS", metadata: ["url": "\(self.url)", "error": "\(error)"])
            // Keep serving with what we had, if anything, rather than refusing every token.
            if let keys = self.keys {
                self.fetchedAt = .now
                return keys
            }
            throw error
        }
    }
}
