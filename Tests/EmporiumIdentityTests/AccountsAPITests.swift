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
            let session = registered.object
            #expect(session["tokenType"] as? String == "Bearer")
            #expect(session["expiresIn"] as? Int == 900)
            let user = try #require(session["user"] as? [String: Any])
            #expect(user["email"] as? String == "Ada@Example.COM")
            #expect(user["roles"] as? [String] == ["customer"])
            #expect(Set(user.keys) == ["id", "email", "name", "roles", "createdAt"])
            let access = try #require(session["accessToken"] as? String)
            #expect(access.split(separator: ".").count == 3)

            let me = try await client.execute(uri: "/api/v1/users/me", method: .get, headers: TestUser.bearer(access)) { $0 }
            #expect(me.status == .ok)
            #expect(me.object["id"] as? String == user["id"] as? String)

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
            #expect((response.object["user"] as? [String: Any])?["roles"] as? [String] == ["customer"])
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
            #expect(wrong.object["detail"] as? String == unknown.object["detail"] as? String)
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
            #expect((admin.object["user"] as? [String: Any])?["roles"] as? [String] == ["customer", "admin"])
            let adminToken = try #require(admin.object["accessToken"] as? String)
            let customer = try await client.register("cus@example.com")
            let customerToken = try #require(customer.object["accessToken"] as? String)

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
            let keys = try #require(jwks.object["keys"] as? [[String: Any]])
            #expect(keys.count == 1)
            #expect(Set(keys[0].keys) == ["kty", "crv", "alg", "use", "kid", "x"])
            #expect(keys[0]["kty"] as? String == "OKP" && keys[0]["crv"] as? String == "Ed25519")

            let admin = try await client.login("admin@example.com", password: "admin-password")
            let oldToken = try #require(admin.object["accessToken"] as? String)
            let rotated = try await client.post("/api/v1/auth/keys/rotate", [:], headers: TestUser.bearer(oldToken))
            #expect(rotated.status == .created)
            let newKid = try #require(rotated.object["kid"] as? String)

            let after = try await client.execute(uri: "/.well-known/jwks.json", method: .get) { $0.object["keys"] as? [[String: Any]] ?? [] }
            #expect(after.count == 2)
            #expect(after.contains { $0["kid"] as? String == newKid })
            // Tokens signed with the old key still verify until they expire.
            #expect(try await client.execute(uri: "/api/v1/users/me", method: .get, headers: TestUser.bearer(oldToken)) { $0.status } == .ok)
            // New tokens use the new key.
            let fresh = try await client.login("admin@example.com", password: "admin-password")
            let header = try #require((fresh.object["accessToken"] as? String)?.split(separator: ".").first)
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
