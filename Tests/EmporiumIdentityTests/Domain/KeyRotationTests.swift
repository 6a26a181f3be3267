import Crypto
import EmporiumCore
@testable import EmporiumIdentity
import EmporiumTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTKit
import Logging
import Synchronization
import Testing

/// Rotation without a gap: a key rotated in through one identity instance verifies at once
/// on another instance and on a remote (JWKS) verifier, and old tokens keep verifying on
/// fresh verifiers; a kid nobody knows, or none at all, is refused.
@Suite struct KeyRotationTests {
    static let principal = Principal(userId: "usr_1", roles: [.customer])

    static func claims(_ id: String) -> AccessTokenClaims {
        AccessTokenClaims(userId: "usr_1", roles: ["customer"], issuedAt: Date(), lifetime: .seconds(900), id: id)
    }

    /// Identity served over real HTTP on `kind`, with its store for more instances.
    static func withLiveIdentity(
        _ kind: TestDatabaseKind, _ body: @escaping @Sendable (_ url: String, _ store: SQLIdentityStore, _ client: any TestClientProtocol) async throws -> Void
    ) async throws {
        _ = try await TestPlatform.with(kind, units: { database in
            [IdentityService.unit(database: database, settings: IdentityAPI.settings())]
        }) { platform in
            let store = SQLIdentityStore(database: try #require(platform.units[0].database))
            try await platform.buildApplication().test(.live) { client in
                let port = try #require(client.port)
                try await body("http://127.0.0.1:\(port)", store, client)
            }
        }
    }

    static func expectRefused(_ token: String, by verifier: JWTVerifier, sourceLocation: SourceLocation = #_sourceLocation) async {
        let problem = await #expect(throws: Problem.self, sourceLocation: sourceLocation) {
            try await verifier.verify(bearerToken: token)
        }
        #expect(problem?.status == .unauthorized, sourceLocation: sourceLocation)
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func aKeyRotatedOnOneInstanceVerifiesEverywhereAtOnce(_ kind: TestDatabaseKind) async throws {
        try await Self.withLiveIdentity(kind) { url, store, client in
            // Instance A rotates and signs; instance B and the served instance loaded earlier.
            let a = KeyRing(store: store, accessTokenTTL: .seconds(900))
            let b = KeyRing(store: store, accessTokenTTL: .seconds(900))
            try await a.load()
            try await b.load()
            let onB = JWTVerifier(keys: b)
            let remote = JWTVerifier(keys: RemoteJWKS(identityURL: url, logger: Logger(label: "test")))
            let oldToken = try await a.sign(Self.claims("jti_old"))
            #expect(try await onB.verify(bearerToken: oldToken) == Self.principal)
            #expect(try await remote.verify(bearerToken: oldToken) == Self.principal)  // the remote has fetched its keys

            let newKid = try await a.rotate()
            let newToken = try await a.sign(Self.claims("jti_new"))
            #expect(TokenHeader.kid(of: newToken) == newKid)
            // Right away: no waiting for a reload interval.
            #expect(try await onB.verify(bearerToken: newToken) == Self.principal)
            #expect(try await remote.verify(bearerToken: newToken) == Self.principal)
            // Stale instances publish the new key at once.
            #expect(try await b.jwks().keys.contains { $0.kid == newKid })
            let served = try await client.execute(uri: "/.well-known/jwks.json", method: .get) { try $0.decode(API.KeySet.self).keys }
            #expect(served.contains { $0.kid == newKid })

            // Fresh verifiers (a new instance, a newly started remote service) accept the old
            // token as well as the new one.
            let freshRing = KeyRing(store: store, accessTokenTTL: .seconds(900))
            try await freshRing.load()
            let freshLocal = JWTVerifier(keys: freshRing)
            let freshRemote = JWTVerifier(keys: RemoteJWKS(identityURL: url, logger: Logger(label: "test")))
            for verifier in [freshLocal, freshRemote] {
                #expect(try await verifier.verify(bearerToken: oldToken) == Self.principal)
                #expect(try await verifier.verify(bearerToken: newToken) == Self.principal)
            }
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func madeUpAndMissingKidsAreRefused(_ kind: TestDatabaseKind) async throws {
        try await Self.withLiveIdentity(kind) { url, store, _ in
            let ring = KeyRing(store: store, accessTokenTTL: .seconds(900))
            try await ring.load()
            let record = try #require(try await store.signingKeys().first)
            let realKey = try Curve25519.Signing.PrivateKey(rawRepresentation: try #require(Data(base64Encoded: record.privateKey)))
            // The real key, signing under a kid that does not exist, or under no kid at all:
            // jwt-kit alone would fall back to its default key (the real one) and accept both.
            let madeUp = JWTKeyCollection()
            await madeUp.add(eddsa: EdDSA.PrivateKey(backing: realKey), kid: "key_madeup")
            let madeUpToken = try await madeUp.sign(Self.claims("jti_1"), kid: "key_madeup")
            let noKid = JWTKeyCollection()
            await noKid.add(eddsa: EdDSA.PrivateKey(backing: realKey))
            let noKidToken = try await noKid.sign(Self.claims("jti_2"))
            #expect(TokenHeader.kid(of: noKidToken) == nil)

            for verifier in [JWTVerifier(keys: ring), JWTVerifier(keys: RemoteJWKS(identityURL: url, logger: Logger(label: "test")))] {
                await Self.expectRefused(madeUpToken, by: verifier)
                await Self.expectRefused(noKidToken, by: verifier)
                #expect(try await verifier.verify(bearerToken: try await ring.sign(Self.claims("jti_3"))) == Self.principal)
            }
        }
    }

    @Test func unknownKidReloadsAreSharedAndRateLimited() async throws {
        let coalescer = ReloadCoalescer(minimumInterval: .milliseconds(300))
        let reloads = Counter()
        let reload: @Sendable () async throws -> Void = {
            reloads.increment()
            try await Task.sleep(for: .milliseconds(20))
        }
        // A burst shares reloads: the first, then at most one more for those that came while
        // it was running.
        let burstStart = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 { group.addTask { try await coalescer.reload(reload) } }
            try await group.waitForAll()
        }
        #expect((1...2).contains(reloads.value))
        // Asking again at once waits for the next slot instead of reloading (or refusing) now.
        let before = reloads.value
        try await coalescer.reload(reload)
        #expect(reloads.value == before + 1)
        #expect(ContinuousClock.now - burstStart >= .milliseconds(300))
    }

    @Test func headersWithoutAKidHaveNone() {
        #expect(TokenHeader.kid(of: "") == nil)
        #expect(TokenHeader.kid(of: "a.b.c") == nil)
        #expect(TokenHeader.kid(of: Base64URL.encode(Data(#"{"alg":"EdDSA"}"#.utf8)) + ".e30.x") == nil)
        #expect(TokenHeader.kid(of: Base64URL.encode(Data(#"{"alg":"EdDSA","kid":"key_1"}"#.utf8)) + ".e30.x") == "key_1")
    }
}

final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { self.count.add(1, ordering: .relaxed) }
    var value: Int { self.count.load(ordering: .relaxed) }
}
