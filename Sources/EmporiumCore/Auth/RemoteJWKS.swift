public import AsyncHTTPClient
import Foundation
import JWTKit
public import Logging
import NIOCore
import NIOHTTP1

/// Identity's public keys fetched over HTTP (`GET <identity>/.well-known/jwks.json`) for a
/// service running in its own process: cached, refreshed every `maxAge`, and refetched
/// when a token names a `kid` the cache lacks (a rotation). Those refetches are shared by
/// the requests that ask together and start at most once per `minimumRefetchInterval`
/// (a request that asks sooner waits for that slot), so made-up kids cannot turn every
/// request into a fetch and a real rotation is never refused.
public actor RemoteJWKS: JWTKeySource {
    private let url: String
    private let client: HTTPClient
    private let logger: Logger
    private let maxAge: Duration
    private var keys: JWTKeyCollection?
    private var kids: Set<String> = []
    private var fetchedAt: ContinuousClock.Instant?
    private let refetches: ReloadCoalescer

    public init(
        identityURL: String,
        client: HTTPClient = .shared,
        logger: Logger,
        maxAge: Duration = .seconds(300),
        minimumRefetchInterval: Duration = .seconds(1)
    ) {
        self.url = identityURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/.well-known/jwks.json"
        self.client = client
        self.logger = logger
        self.maxAge = maxAge
        self.refetches = ReloadCoalescer(minimumInterval: minimumRefetchInterval)
    }

    /// Verifies with exactly the key the header's `kid` names (jwt-kit would fall back to
    /// its default key for an unknown one); no kid, or one unknown even after a refetch, is
    /// refused.
    public func verify(_ token: String) async throws -> AccessTokenClaims {
        guard let kid = TokenHeader.kid(of: token) else { throw SigningKeyLookupError.missingKid }
        if self.keys == nil || self.fetchedAt.map({ ContinuousClock.now - $0 >= self.maxAge }) ?? true {
            try await self.fetch()
        }
        if !self.kids.contains(kid) {
            try await self.refetches.reload { try await self.fetch() }
        }
        guard self.kids.contains(kid), let keys = self.keys else { throw SigningKeyLookupError.unknownKid(kid) }
        return try await keys.verify(token, as: AccessTokenClaims.self)
    }

    private func fetch() async throws {
        var request = HTTPClientRequest(url: self.url)
        request.method = .GET
        do {
            let response = try await self.client.execute(request, timeout: .seconds(5))
            guard response.status == .ok else {
                throw Problem.serviceUnavailable("The identity service answered \(response.status.code) for its keys.")
            }
            let body = try await response.body.collect(upTo: 1 << 20)
            let json = String(buffer: body)
            let keys = try await JWTKeyCollection().add(jwksJSON: json)
            let document = try JSONDecoder().decode(KidList.self, from: Data(json.utf8))
            self.keys = keys
            self.kids = Set(document.keys.compactMap(\.kid))
            self.fetchedAt = .now
        } catch {
            self.logger.error("Could not fetch identity's JWKS", metadata: ["url": "\(self.url)", "error": "\(error)"])
            // Keep serving with what we had, if anything, rather than refusing every token.
            guard self.keys != nil else { throw error }
            self.fetchedAt = .now
        }
    }

    /// Just the kids of a JWKS document.
    private struct KidList: Decodable {
        struct Key: Decodable { var kid: String? }
        var keys: [Key]
    }
}
