import Crypto
import EmporiumCore
import Foundation
import JWTKit

/// Identity's signing keys: the newest unretired key signs; every key that may still have
/// live tokens verifies and is published in the JWKS.
///
/// Keys live in identity's store, so every identity instance signs with the same current
/// key; an instance re-reads them every `reloadInterval` (and on an unknown `kid`), so a
/// rotation made through one instance reaches the others.
actor KeyRing: JWTKeySource {
    private let store: any IdentityStore
    private let accessTokenTTL: Duration
    private let reloadInterval: Duration
    private var collection = JWTKeyCollection()
    private var currentKid: String?
    private var publicKeys: [PublicJWK] = []
    private var loadedAt: ContinuousClock.Instant?

    init(store: any IdentityStore, accessTokenTTL: Duration, reloadInterval: Duration = .seconds(30)) {
        self.store = store
        self.accessTokenTTL = accessTokenTTL
        self.reloadInterval = reloadInterval
    }

    /// Loads the keys, creating the first one if there is none.
    func load() async throws {
        var records = try await self.store.signingKeys()
        if !records.contains(where: { $0.retiredAt == nil }) {
            try await self.store.insertSigningKey(Self.newKey())
            records = try await self.store.signingKeys()
        }
        try await self.install(records)
    }

    /// Makes a new key current; the old one keeps verifying (and stays in the JWKS) until
    /// the tokens it signed have expired. Returns the new `kid`.
    func rotate() async throws -> String {
        let key = Self.newKey()
        try await self.store.rotate(to: key, now: Date())
        try await self.install(try await self.store.signingKeys())
        return key.kid
    }

    func sign(_ claims: AccessTokenClaims) async throws -> String {
        try await self.reloadIfStale()
        guard let kid = self.currentKid else { throw Problem.serviceUnavailable("Signing keys are not loaded yet.") }
        return try await self.collection.sign(claims, kid: JWKIdentifier(string: kid))
    }

    func verify(_ token: String) async throws -> AccessTokenClaims {
        try await self.reloadIfStale()
        do {
            return try await self.collection.verify(token, as: AccessTokenClaims.self)
        } catch let error as JWTError where error.errorType == .unknownKID {
            // Maybe another instance rotated since we loaded; look again, but at most every
            // few seconds, so tokens with made-up kids cannot make every request a query.
            guard let loadedAt = self.loadedAt, ContinuousClock.now - loadedAt > .seconds(5) else { throw error }
            try await self.load()
            return try await self.collection.verify(token, as: AccessTokenClaims.self)
        }
    }

    /// The JWKS document: public keys only.
    func jwks() async throws -> JWKSDocument {
        try await self.reloadIfStale()
        return JWKSDocument(keys: self.publicKeys)
    }

    private func reloadIfStale() async throws {
        if let loadedAt = self.loadedAt, ContinuousClock.now - loadedAt < self.reloadInterval { return }
        try await self.load()
    }

    private func install(_ records: [SigningKeyRecord]) async throws {
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
        self.collection = collection
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
