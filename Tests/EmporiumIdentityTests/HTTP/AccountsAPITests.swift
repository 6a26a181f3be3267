import EmporiumCore
import EmporiumTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import Hummingbird
import Logging
import NIOCore

@Suite struct AccountsAPITests {
    @Test(arguments: TestDatabaseKind.allCases)
    func registerLoginMeAndSessionShape(_ kind: TestDatabaseKind) async throws {
        try await IdentityAPI.with(kind) { client in
            let registered = try await client.register("  Ada@Example.COM ", name: "Ada Lovelace")
            #expect(registered.status == .created)
            let session = try registered.decode(API.Session.self)
            #expect(session.tokenType == "Bearer")
            #expect(session.expiresIn == 900)
            let user = session.user
            #expect(user.email == "Ada@Example.COM")
            #expect(user.roles == ["customer"])
            // A user has exactly these members (raw: decoding ignores extra ones).
            #expect(Set((registered.rawJSON["user"] as? [String: Any])?.keys.map { $0 } ?? []) == ["id", "email", "name", "roles", "createdAt"])
            let access = session.accessToken
            #expect(access.split(separator: ".").count == 3)

            let me = try await client.execute(uri: "/api/v1/users/me", method: .get, headers: TestUser.bearer(access)) { $0 }
            #expect(me.status == .ok)
            #expect(try me.decode(API.User.self).id == user.id)

            // Emails compare case-insensitively, trimmed.
            #expect(try await client.login("ada@example.com", password: "correct horse").status == .ok)
            #expect(try await client.register("ADA@example.com").isProblem(.conflict))
        }
    }

    @Test func registrationNeverGrantsRoles() async throws {
        try await IdentityAPI.with { client in
            let response = try await client.post(
                "/api/v1/auth/register", ["email": "eve@example.com", "password": "password1", "name": "Eve", "roles": ["admin"]]
            )
            let session = try response.decode(API.Session.self)
            #expect(session.user.roles == ["customer"])
        }
    }

    @Test func registrationValidation() async throws {
        try await IdentityAPI.with { client in
            #expect(try await client.register("not-an-email").isProblem(.unprocessableContent))
            #expect(try await client.register("a@example.com", password: "short").isProblem(.unprocessableContent))
            #expect(try await client.register("a@example.com", password: String(repeating: "x", count: 73)).isProblem(.unprocessableContent))
            // 72 bytes is the limit, counted in UTF-8 bytes: 36 two-byte characters fit, 37 do not.
            #expect(try await client.register("b@example.com", password: String(repeating: "é", count: 37)).isProblem(.unprocessableContent))
            #expect(try await client.register("b@example.com", password: String(repeating: "é", count: 36)).status == .created)
            #expect(try await client.register("c@example.com", name: " ").isProblem(.unprocessableContent))
            #expect(try await client.post("/api/v1/auth/register", ["email": "d@example.com"]).isProblem(.badRequest))
            #expect(try await client.post("/api/v1/auth/register", ["email": 5, "password": "password1", "name": "x"]).isProblem(.badRequest))
            let malformed = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: TestUser.anonymous, body: .init(string: "{")) { $0 }
            #expect(malformed.isProblem(.badRequest))
        }
    }

    @Test func unknownEmailAndWrongPasswordGetTheSameAnswer() async throws {
        try await IdentityAPI.with { client in
            _ = try await client.register("ada@example.com")
            let wrong = try await client.login("ada@example.com", password: "wrong password")
            let unknown = try await client.login("nobody@example.com", password: "wrong password")
            #expect(wrong.isProblem(.unauthorized) && unknown.isProblem(.unauthorized))
            #expect(try wrong.decode(API.Problem.self).detail == unknown.decode(API.Problem.self).detail)
        }
    }

    @Test func meNeedsAValidToken() async throws {
        try await IdentityAPI.with { client in
            for headers: HTTPFields in [[:], [.authorization: "Bearer nope"], [.authorization: "Basic YTpi"]] {
                let response = try await client.execute(uri: "/api/v1/users/me", method: .get, headers: headers) { $0 }
                #expect(response.isProblem(.unauthorized))
            }
        }
    }

    @Test func adminIsBootstrappedAndGuardsCatalogAdminRoutes() async throws {
        try await IdentityAPI.with { client in
            let admin = try await client.login("admin@example.com", password: "admin-password")
            #expect(admin.status == .ok)
            let adminSession = try admin.decode(API.Session.self)
            #expect(adminSession.user.roles == ["customer", "admin"])
            let adminToken = adminSession.accessToken
            let customer = try await client.register("cus@example.com")
            let customerToken = try customer.decode(API.Session.self).accessToken

            let body: [String: Any] = ["slug": "mugs", "name": "Mugs"]
            #expect(try await client.post("/api/v1/categories", body).isProblem(.unauthorized))
            #expect(try await client.post("/api/v1/categories", body, headers: TestUser.bearer(customerToken)).isProblem(.forbidden))
            #expect(try await client.post("/api/v1/categories", body, headers: TestUser.bearer(adminToken)).status == .created)
        }
    }

    @Test func jwksPublishesPublicKeysOnlyAndRotationKeepsOldTokensValid() async throws {
        try await IdentityAPI.with { client in
            let jwks = try await client.execute(uri: "/.well-known/jwks.json", method: .get) { $0 }
            #expect(jwks.status == .ok)
            let keys = try jwks.decode(API.KeySet.self).keys
            #expect(keys.count == 1)
            // Exactly the public members (raw: decoding ignores extra ones, such as a private `d`).
            let rawKeys = jwks.rawJSON["keys"] as? [[String: Any]] ?? []
            #expect(Set(rawKeys.first?.keys.map { $0 } ?? []) == ["kty", "crv", "alg", "use", "kid", "x"])
            #expect(keys[0].kty == "OKP" && keys[0].crv == "Ed25519")

            let admin = try await client.login("admin@example.com", password: "admin-password")
            let oldToken = try admin.decode(API.Session.self).accessToken
            let rotated = try await client.post("/api/v1/auth/keys/rotate", [:], headers: TestUser.bearer(oldToken))
            #expect(rotated.status == .created)
            let newKid = try rotated.decode(API.RotatedKey.self).kid

            let after = try await client.execute(uri: "/.well-known/jwks.json", method: .get) { try $0.decode(API.KeySet.self).keys }
            #expect(after.count == 2)
            #expect(after.contains { $0.kid == newKid })
            // Tokens signed with the old key still verify until they expire.
            #expect(try await client.execute(uri: "/api/v1/users/me", method: .get, headers: TestUser.bearer(oldToken)) { $0.status } == .ok)
            // New tokens use the new key.
            let fresh = try await client.login("admin@example.com", password: "admin-password")
            let header = try #require(try fresh.decode(API.Session.self).accessToken.split(separator: ".").first)
            let decoded = try #require(Data(base64URL: String(header)))
            #expect(String(decoding: decoded, as: UTF8.self).contains(newKid))
        }
    }
}

extension Data {
    init?(base64URL: String) {
        var base64 = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
