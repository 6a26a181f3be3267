public import Foundation
import Testing

/// A reply from a running `emporium` process.
public struct LiveReply: Sendable {
    public let status: Int
    public let body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }

    /// The body as text, for failure messages.
    public var text: String {
        String(decoding: self.body, as: UTF8.self)
    }
}

/// JSON calls to a running `emporium` process (system tests): the users, products and
/// checkouts the in-process builders make, over real HTTP.
public enum LiveAPI {
    /// `method url` with a JSON `body`, as the user with `token` (if any), with an
    /// `Idempotency-Key` (if any).
    public static func call(_ method: String, _ url: String, token: String? = nil, key: String? = nil, body: Any? = nil) async throws -> LiveReply {
        var headers = ["Content-Type": "application/json"]
        headers["Authorization"] = token.map { "Bearer \($0)" }
        headers["Idempotency-Key"] = key
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0, options: .sortedKeys) }
        let (status, _, response) = try await HTTP.request(method, url, headers: headers, body: data)
        return LiveReply(status: status, body: response)
    }

    /// The access token identity's login or register route (`path`) answers (it must be a
    /// 200 or 201).
    public static func accessToken(_ identityURL: String, _ path: String, _ body: [String: String]) async throws -> String {
        let reply = try await Self.call("POST", identityURL + path, body: body)
        #expect(reply.status == 200 || reply.status == 201, "\(path): \(String(decoding: reply.body, as: UTF8.self))")
        return try reply.decode(API.Session.self).accessToken
    }

    /// Creates a category `categorySlug` and in it a product with one SKU, as admin; returns
    /// the product's create reply.
    public static func createProduct(
        _ catalogURL: String, token: String, sku: String, amount: Int, name: String, variantName: String, categorySlug: String
    ) async throws -> LiveReply {
        let category = try await Self.call("POST", catalogURL + "/api/v1/categories", token: token, body: ["slug": categorySlug, "name": categorySlug])
        let body = Products.body(category: (try? category.decode(API.Category.self))?.id ?? "", name: name, skus: [sku], amount: amount, variantName: variantName)
        return try await Self.call("POST", catalogURL + "/api/v1/products", token: token, body: body)
    }
}
