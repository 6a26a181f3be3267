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
}
