import Crypto
import EmporiumCore
@testable import EmporiumIdentity
import EmporiumTesting
import Foundation
import JWTKit
import Logging
import Testing
import HTTPTypes
import Hummingbird
import NIOCore

/// Every kind of bad token API.md lists is refused with 401: crafted here by hand.
@Suite struct TokenVerificationTests {
    struct Fixture {
        let ring: KeyRing
        let verifier: JWTVerifier
        let kid: String
        let publicKey: Data
    }

    static func withFixture(_ kind: TestDatabaseKind = .sqlite, _ body: @Sendable (Fixture) async throws -> Void) async throws {
        _ = try await TestDatabase.with(kind) { database in
            try await Migrator.migrate(database, service: "identity", migrations: IdentityMigrations.all, logger: Logger(label: "test"))
            let store = SQLIdentityStore(database: database)
            let ring = KeyRing(store: store, accessTokenTTL: .seconds(900))
            try await ring.load()
            let key = try #require(try await store.signingKeys().first)
            let privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: try #require(Data(base64Encoded: key.privateKey)))
            try await body(Fixture(ring: ring, verifier: JWTVerifier(keys: ring), kid: key.kid, publicKey: privateKey.publicKey.rawRepresentation))
        }
    }

    static func claims(issuedAt: Date = Date(), lifetime: Duration = .seconds(900), roles: [String] = ["customer"]) -> AccessTokenClaims {
        AccessTokenClaims(userId: "usr_1", roles: roles, issuedAt: issuedAt, lifetime: lifetime, id: "jti_1")
    }

    static func segment(_ json: String) -> String {
        Base64URL.encode(Data(json.utf8))
    }

    static func payloadJSON(_ claims: AccessTokenClaims) throws -> String {
        String(decoding: try JSONEncoder().encode(claims), as: UTF8.self)
    }

    func expectRejected(_ token: String, _ fixture: Fixture, sourceLocation: SourceLocation = #_sourceLocation) async {
        let problem = await #expect(throws: Problem.self, sourceLocation: sourceLocation) {
            try await fixture.verifier.verify(bearerToken: token)
        }
        #expect(problem?.status == .unauthorized, sourceLocation: sourceLocation)
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func aGoodTokenVerifies(_ kind: TestDatabaseKind) async throws {
        try await Self.withFixture(kind) { fixture in
            let token = try await fixture.ring.sign(Self.claims(roles: ["customer", "admin"]))
            let principal = try await fixture.verifier.verify(bearerToken: token)
            #expect(principal == Principal(userId: "usr_1", roles: [.customer, .admin]))
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func algNoneIsRejected(_ kind: TestDatabaseKind) async throws {
        try await Self.withFixture(kind) { fixture in
            let token = Self.segment("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"\(fixture.kid)\"}") + "."
                + Self.segment(try Self.payloadJSON(Self.claims())) + "."
            await self.expectRejected(token, fixture)
            await self.expectRejected(String(token.dropLast()), fixture)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func hs256WithThePublicKeyAsSecretIsRejected(_ kind: TestDatabaseKind) async throws {
        try await Self.withFixture(kind) { fixture in
            let signingInput = Self.segment("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"\(fixture.kid)\"}") + "."
                + Self.segment(try Self.payloadJSON(Self.claims()))
            for secret in [fixture.publicKey, Data(Base64URL.encode(fixture.publicKey).utf8)] {
                let mac = HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: SymmetricKey(data: secret))
                await self.expectRejected(signingInput + "." + Base64URL.encode(Data(mac)), fixture)
            }
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func aTamperedPayloadIsRejected(_ kind: TestDatabaseKind) async throws {
        try await Self.withFixture(kind) { fixture in
            let token = try await fixture.ring.sign(Self.claims())
            let parts = token.split(separator: ".").map(String.init)
            let forged = Self.segment(try Self.payloadJSON(Self.claims(roles: ["customer", "admin"])))
            await self.expectRejected([parts[0], forged, parts[2]].joined(separator: "."), fixture)
            await self.expectRejected(parts[0] + "." + parts[1] + "." + String(parts[2].reversed()), fixture)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func aWrongKeyIsRejected(_ kind: TestDatabaseKind) async throws {
        try await Self.withFixture(kind) { fixture in
            let stranger = JWTKeyCollection()
            await stranger.add(eddsa: EdDSA.PrivateKey(backing: Curve25519.Signing.PrivateKey()), kid: JWKIdentifier(string: fixture.kid))
            await self.expectRejected(try await stranger.sign(Self.claims(), kid: JWKIdentifier(string: fixture.kid)), fixture)
            let unknownKid = JWTKeyCollection()
            await unknownKid.add(eddsa: EdDSA.PrivateKey(backing: Curve25519.Signing.PrivateKey()), kid: "key_unknown")
            await self.expectRejected(try await unknownKid.sign(Self.claims(), kid: "key_unknown"), fixture)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func expiredAndNotYetValidTokensAreRejected(_ kind: TestDatabaseKind) async throws {
        try await Self.withFixture(kind) { fixture in
            let expired = Self.claims(issuedAt: Date().addingTimeInterval(-3600), lifetime: .seconds(900))
            await self.expectRejected(try await fixture.ring.sign(expired), fixture)
            var notYet = Self.claims()
            notYet.nbf = NotBeforeClaim(value: Date().addingTimeInterval(3600))
            await self.expectRejected(try await fixture.ring.sign(notYet), fixture)
            let future = Self.claims(issuedAt: Date().addingTimeInterval(3600))
            await self.expectRejected(try await fixture.ring.sign(future), fixture)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func wrongAudienceOrIssuerIsRejected(_ kind: TestDatabaseKind) async throws {
        try await Self.withFixture(kind) { fixture in
            var audience = Self.claims()
            audience.aud = AudienceClaim(value: ["someone-else"])
            await self.expectRejected(try await fixture.ring.sign(audience), fixture)
            var issuer = Self.claims()
            issuer.iss = IssuerClaim(value: "evil")
            await self.expectRejected(try await fixture.ring.sign(issuer), fixture)
        }
    }

    @Test func aRememberedTokenStillExpires() async throws {
        try await Self.withFixture { fixture in
            let token = try await fixture.ring.sign(Self.claims(lifetime: .seconds(1)))
            _ = try await fixture.verifier.verify(bearerToken: token)
            _ = try await fixture.verifier.verify(bearerToken: token)
            try await Task.sleep(for: .milliseconds(2100))
            await self.expectRejected(token, fixture)
        }
    }

    @Test func garbageIsRejected() async throws {
        try await Self.withFixture { fixture in
            for token in ["", "a.b.c", "not a token", String(repeating: "x", count: 5000)] {
                await self.expectRejected(token, fixture)
            }
        }
    }
}
