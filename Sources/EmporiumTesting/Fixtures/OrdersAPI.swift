import EmporiumCart
import EmporiumCatalog
public import EmporiumCore
import EmporiumInventory
import EmporiumOrders
public import EmporiumPayments
public import Foundation
public import HTTPTypes
import Hummingbird
public import HummingbirdTesting
import NIOCore
import Testing

/// The whole checkout path in one platform on one test database — catalog, inventory,
/// cart, payments and orders calling each other over the in-process gRPC transport, as in
/// `emporium` — with a `FaultSwitch` on every gRPC server to take a service down mid-test.
public enum OrdersAPI {
    public static let paymentsService = "emporium.payments.v1.PaymentsService"
    public static let inventoryService = "emporium.inventory.v1.InventoryService"

    public struct Context: Sendable {
        public let client: any TestClientProtocol
        public let platform: Platform
        public let faults: FaultSwitch
        /// The orders service's own metrics (outbox, checkouts, recovery).
        public let metrics: MetricsRegistry

        public var database: any Database { self.platform.units[0].database ?? NoDatabase() }

        /// A counter's value in the orders metrics (summed over its labels); 0 when unset.
        public func counter(_ name: String) -> Double {
            OrdersAPI.counter(name, in: self.metrics)
        }

        public var payments: PaymentsStore {
            PaymentsStore(database: self.platform.units[0].database ?? NoDatabase())
        }
    }

    /// Short saga leases and a fast recovery loop, so tests see abandoned checkouts finish
    /// (the lease still outlasts any one step on a loaded CI machine: a shorter one lets
    /// recovery take over checkouts that are merely slow); quick sweeps and relay passes.
    public static let environment = [
        "EMPORIUM_SAGA_LEASE_MS": "3000", "EMPORIUM_SAGA_RECOVERY_MS": "100",
        "EMPORIUM_RESERVATION_SWEEP_MS": "200", "EMPORIUM_OUTBOX_INTERVAL_MS": "100",
    ]

    /// A counter's value in `metrics` (summed over its labels); 0 when unset.
    public static func counter(_ name: String, in metrics: MetricsRegistry) -> Double {
        String(decoding: metrics.exposition(), as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }

    public static func with(
        _ kind: TestDatabaseKind = .sqlite,
        settings: ServerSettings = .forTests,
        environment: [String: String] = [:],
        _ body: @escaping @Sendable (Context) async throws -> Void
    ) async throws {
        let faults = FaultSwitch()
        _ = try await TestPlatform.with(
            kind,
            services: [PaymentsService.self, CatalogService.self, InventoryService.self, CartService.self, OrdersService.self],
            environment: OrdersAPI.environment.merging(environment) { $1 },
            settings: settings,
            serverInterceptors: [faults]
        ) { platform in
            try await platform.buildApplication().test(.router) { client in
                try await body(Context(client: client, platform: platform, faults: faults, metrics: platform.metrics))
            }
        }
    }

    public static func stock(_ client: any TestClientProtocol, _ sku: String) async throws -> (onHand: Int, reserved: Int) {
        let stock = try await client.execute(uri: "/api/v1/inventory/\(sku)", method: .get) { try $0.decode(API.Stock.self) }
        return (stock.onHand, stock.reserved)
    }

    public static func order(_ client: any TestClientProtocol, _ id: String, as headers: HTTPFields = TestUser.admin) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/orders/\(id)", method: .get, headers: headers) { $0 }
    }

    /// The user's orders, newest first.
    public static func orders(_ client: any TestClientProtocol, user: String) async throws -> [API.Order] {
        try await client.execute(uri: "/api/v1/orders?limit=100", method: .get, headers: TestUser.customer(user)) { try $0.decode(API.Page<API.Order>.self).items }
    }

    /// The order's payments as admin sees them.
    public static func payments(_ client: any TestClientProtocol, orderId: String) async throws -> [API.Payment] {
        try await client.execute(uri: "/api/v1/payments?orderId=\(orderId)", method: .get, headers: TestUser.admin) { try $0.decode(API.Page<API.Payment>.self).items }
    }

    /// How many units are in the user's cart.
    public static func cartCount(_ client: any TestClientProtocol, user: String) async throws -> Int {
        try await client.execute(uri: "/api/v1/cart", method: .get, headers: TestUser.customer(user)) { try $0.decode(API.Cart.self).itemCount }
    }

    /// Polls the order until its status is `status` (recovery runs in the background), or
    /// the time is up; returns the order as last read.
    public static func waitFor(_ client: any TestClientProtocol, order id: String, status: String, timeout: Duration = .seconds(15)) async throws -> API.Order {
        let deadline = ContinuousClock.now + timeout
        while true {
            let order = try await Self.order(client, id).decode(API.Order.self)
            if order.status == status || ContinuousClock.now > deadline {
                return order
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
