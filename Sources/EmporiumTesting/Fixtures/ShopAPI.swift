import EmporiumCart
import EmporiumCatalog
public import EmporiumClients
public import EmporiumCore
import EmporiumInventory
import Foundation
public import HTTPTypes
import Hummingbird
import NIOCore
public import HummingbirdTesting
import Testing

/// Catalog, inventory and cart in one platform on one test database, calling each other
/// over the in-process gRPC transport exactly as in `emporium`, with a test token verifier.
public enum ShopAPI {
    public static let admin: HTTPFields = [.authorization: "Bearer \(TestTokenVerifier.adminToken)", .contentType: "application/json"]
    public static let customer: HTTPFields = [.authorization: "Bearer \(TestTokenVerifier.customerToken)", .contentType: "application/json"]
    public static func user(_ id: String) -> HTTPFields {
        [.authorization: "Bearer test:\(id):customer", .contentType: "application/json"]
    }
    public static let json: HTTPFields = [.contentType: "application/json"]

    public struct Context: Sendable {
        public let client: any TestClientProtocol
        public let platform: Platform

        public var inventory: InventoryClient {
            get throws { try self.platform.rpc!.client(InventoryClient.self) }
        }

        public var cart: CartClient {
            get throws { try self.platform.rpc!.client(CartClient.self) }
        }
    }

    public static func with(
        _ kind: TestDatabaseKind = .sqlite,
        _ body: @escaping @Sendable (Context) async throws -> Void
    ) async throws {
        _ = try await TestPlatform.with(
            kind,
            services: [CatalogService.self, InventoryService.self, CartService.self],
            environment: ["EMPORIUM_RESERVATION_SWEEP_MS": "100"]
        ) { platform in
            try await platform.buildApplication().test(.router) { client in
                try await body(Context(client: client, platform: platform))
            }
        }
    }

    /// Creates a product with these SKUs (priced `amount` each) through the catalog API;
    /// returns its id.
    @discardableResult
    public static func product(_ client: any TestClientProtocol, skus: [String], amount: Int = 1250, name: String = "Test Mug") async throws -> String {
        let category = try await client.execute(uri: "/api/v1/categories", method: .post, headers: admin, body: .json(["slug": "c-\(UUID().uuidString.prefix(8).lowercased())", "name": "Things"])) { $0 }
        let categoryId = category.json["id"] as? String ?? ""
        let body: [String: Any] = [
            "name": name,
            "description": "For tests.",
            "categoryId": categoryId,
            "variants": skus.map { ["sku": $0, "name": "Blue", "price": ["amount": amount, "currency": "USD"], "attributes": [:] as [String: String]] },
        ]
        let created = try await client.execute(uri: "/api/v1/products", method: .post, headers: admin, body: .json(body)) { $0 }
        #expect(created.status == .created, "\(String(buffer: created.body))")
        return created.json["id"] as? String ?? ""
    }
}

