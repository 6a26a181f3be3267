public import Foundation
public import HTTPTypes
public import HummingbirdTesting
import NIOCore

/// Who sends a test request: the headers (JSON body, bearer token) of a signed-in user, with
/// `TestTokenVerifier`'s test tokens, or a real token from identity's API.
public enum TestUser {
    /// An administrator (who is also a customer).
    public static let admin = Self.bearer(TestTokenVerifier.adminToken)
    /// The customer `user-1`.
    public static let customer = Self.bearer(TestTokenVerifier.customerToken)
    /// No token at all.
    public static let anonymous: HTTPFields = [.contentType: "application/json"]

    /// The customer with this user id.
    public static func customer(_ id: String) -> HTTPFields {
        Self.bearer("test:\(id):customer")
    }

    /// A real (or deliberately broken) access token.
    public static func bearer(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }
}

extension TestClientProtocol {
    /// POSTs `body` as JSON.
    public func post(_ uri: String, _ body: Any, headers: HTTPFields = TestUser.anonymous) async throws -> TestResponse {
        try await self.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
    }

    /// Registers a user through identity's API.
    public func register(_ email: String, password: String = "correct horse", name: String = "Ada") async throws -> TestResponse {
        try await self.post("/api/v1/auth/register", ["email": email, "password": password, "name": name])
    }

    /// Signs in through identity's API.
    public func login(_ email: String, password: String) async throws -> TestResponse {
        try await self.post("/api/v1/auth/login", ["email": email, "password": password])
    }
}
