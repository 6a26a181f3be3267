import Crypto
import EmporiumCore
import Foundation
import JWTKit

/// Identity's signing keys: the newest unretired key signs; every key that may still have
/// live tokens verifies and is published in the JWKS.
///
/// Keys live in identity's store, so every identity instance signs with the same current
/// key; an instance re-reads them every `reloadInterval`, at once (rate-limited) when a
/// token names a `kid` it has not loaded, and for every JWKS request, so a rotation made
/// through one instance is verified and published by the others without a gap.
actor KeyRing: JWTKeySource {
    private let store: any IdentityStore
    private let accessTokenTTL: Duration
    private let reloadInterval: Duration
    private var collection = JWTKeyCollection()
    private var currentKid: String?
    private var kids: Set<String> = []
    private var publicKeys: [PublicJWK] = []
    private var loadedAt: ContinuousClock.Instant?
    private var installedReadAt: ContinuousClock.Instant?
    /// Reloads for unknown kids: at most one per `unknownKidReloadInterval`.
    private let unknownKidReloads: ReloadCoalescer
    /// Reloads for the JWKS: one at a time, shared by the requests waiting for it.
    private let jwksReloads = ReloadCoalescer(minimumInterval: .zero)

    init(store: any IdentityStore, accessTokenTTL: Duration, reloadInterval: Duration = .seconds(30), unknownKidReloadInterval: Duration = .seconds(1)) {
        self.store = store
        self.accessTokenTTL = accessTokenTTL
        self.reloadInterval = reloadInterval
        self.unknownKidReloads = ReloadCoalescer(minimumInterval: unknownKidReloadInterval)
    }

    /// Loads the keys, creating the first one if there is none.
    func load() async throws {
        let readAt = ContinuousClock.now
        var records = try await self.store.signingKeys()
        if !records.contains(where: { $0.retiredAt == nil }) {
            try await self.store.insertSigningKey(Self.newKey())
            records = try await self.store.signingKeys()
        }
        try await self.install(records, readAt: readAt)
    }

    /// Makes a new key current; the old one keeps verifying (and stays in the JWKS) until
    /// the tokens it signed have expired. Returns the new `kid`.
    func rotate() async throws -> String {
        let key = Self.newKey()
        try await self.store.rotate(to: key, now: Date())
        let readAt = ContinuousClock.now
        try await self.install(try await self.store.signingKeys(), readAt: readAt)
        return key.kid
    }

    func sign(_ claims: AccessTokenClaims) async throws -> String {
        try await self.reloadIfStale()
        guard let kid = self.currentKid else { throw IdentityError.keysNotLoaded }
        return try await self.collection.sign(claims, kid: JWKIdentifier(string: kid))
    }

    /// Verifies with exactly the key the header's `kid` names. jwt-kit would fall back to
    /// its default key for an unknown kid, so the kid is checked here first: unknown means
    /// another instance may have rotated since we loaded, so the keys are read again
    /// (rate-limited, shared); still unknown, or no kid at all, is refused.
    func verify(_ token: String) async throws -> AccessTokenClaims {
        guard let kid = TokenHeader.kid(of: token) else { throw SigningKeyLookupError.missingKid }
        try await self.reloadIfStale()
        if !self.kids.contains(kid) {
            try await self.unknownKidReloads.reload { try await self.load() }
            guard self.kids.contains(kid) else { throw SigningKeyLookupError.unknownKid(kid) }
        }
        return try await self.collection.verify(token, as: AccessTokenClaims.self)
    }

    /// The JWKS document: public keys only, read from the store for each request (requests
    /// arriving together share one read), so an instance never publishes a key set older
    /// than a rotation another instance has finished.
    /// A store that cannot be read (a database blip) does not take the keys offline: the
    /// ones loaded last are served, as a remote verifier keeps its last good copy.
    func jwks() async throws -> JWKSDocument {
        do {
            try await self.jwksReloads.reload { try await self.load() }
        } catch where !self.publicKeys.isEmpty {
            // Served from memory; the next request reads the store again.
        }
        return JWKSDocument(keys: self.publicKeys)
    }

    private func reloadIfStale() async throws {
        if let loadedAt = self.loadedAt, ContinuousClock.now - loadedAt < self.reloadInterval { return }
        try await self.load()
    }

    /// Installs keys read at `readAt`, unless a later read was installed meanwhile (loads
    /// can overlap; an older read must not undo a newer one).
    private func install(_ records: [SigningKeyRecord], readAt: ContinuousClock.Instant) async throws {
        let now = Date()
        let grace = Double(self.accessTokenTTL.components.seconds) + 60
        let usable = records.filter { record in
            guard let retiredAt = record.retiredAt else { return true }
            return retiredAt.addingTimeInterval(grace) > now
        }
        let collection = JWTKeyCollection()
        var publicKeys: [PublicJWK] = []
        for record in usable {
            guard let raw = Data(base64Encoded: record.privateKey) else { continue }
            let privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
            await collection.add(eddsa: EdDSA.PrivateKey(backing: privateKey), kid: JWKIdentifier(string: record.kid))
            publicKeys.append(PublicJWK(kid: record.kid, x: Base64URL.encode(privateKey.publicKey.rawRepresentation)))
        }
        if let installed = self.installedReadAt, installed > readAt { return }
        self.installedReadAt = readAt
        self.collection = collection
        self.kids = Set(publicKeys.map(\.kid))
        self.publicKeys = publicKeys
        self.currentKid = usable.last { $0.retiredAt == nil }?.kid
        self.loadedAt = .now
    }

    static func newKey() -> SigningKeyRecord {
        let key = Curve25519.Signing.PrivateKey()
        return SigningKeyRecord(
            kid: Identifier.make(prefix: "key"),
            privateKey: key.rawRepresentation.base64EncodedString(),
            createdAt: Date(),
            retiredAt: nil
        )
    }
}

/// `GET /.well-known/jwks.json`.
struct JWKSDocument: Codable, Sendable {
    var keys: [PublicJWK]
}

/// An Ed25519 public key as a JWK (RFC 8037).
struct PublicJWK: Codable, Sendable, Equatable {
    var kty = "OKP"
    var crv = "Ed25519"
    var alg = "EdDSA"
    var use = "sig"
    var kid: String
    var x: String
}

enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
