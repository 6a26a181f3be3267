import EmporiumClients
import EmporiumCore
@testable import EmporiumOrders
import EmporiumTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import SQLKit
import Testing

/// The orders outbox relay: an event it cannot deliver is set aside or retried later
/// without holding up the events behind it, and `orders_outbox_delivered_total` counts each
/// delivered event once.
@Suite struct OutboxRelayTests {
    static let cartService = "emporium.cart.v1.CartService"

    /// An `order.paid` payload that takes `quantity` of `sku` out of `user`'s cart.
    static func paidPayload(order: String, user: String, sku: String, quantity: Int) -> String {
        #"{"orderId":"\#(order)","userId":"\#(user)","status":"paid","total":{"amount":1250,"currency":"USD"},"lines":[{"sku":"\#(sku)","quantity":\#(quantity)}]}"#
    }

    static func insertEvents(_ database: any Database, _ events: [(order: String, type: String, payload: String)]) async throws {
        let now = Timestamp.micros(Date())
        try await database.write { sql in
            for event in events {
                try await sql.raw(
                    "INSERT INTO order_outbox (order_id, type, payload, created_at) VALUES (\(bind: event.order), \(bind: event.type), \(bind: event.payload), \(bind: now))"
                ).run()
            }
        }
    }

    struct Row: Sendable {
        var delivered: Bool
        var parked: Bool
        var attempts: Int
        var lastError: String?
    }

    static func row(_ database: any Database, order: String) async throws -> Row? {
        try await database.read { sql in
            try await sql.raw("SELECT delivered_at, parked_at, attempts, last_error FROM order_outbox WHERE order_id = \(bind: order)").first().map { row in
                Row(
                    delivered: try row.decode(column: "delivered_at", as: Int?.self) != nil,
                    parked: try row.decode(column: "parked_at", as: Int?.self) != nil,
                    attempts: try row.decode(column: "attempts", as: Int.self),
                    lastError: try row.decode(column: "last_error", as: String?.self)
                )
            }
        }
    }

    static func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// A malformed event used to stop the relay at it forever; now it is parked (visible in
    /// `parked_at`, counted) and the event behind it is delivered.
    @Test(arguments: TestDatabaseKind.allCases)
    func malformedEventIsParkedAndLaterEventsFlow(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let sku = try await client.skuInCart(user: "ob", quantity: 2, stock: 10)
            try await Self.insertEvents(shop.database, [
                ("ord-malformed", "order.paid", "{not json"),
                ("ord-good", "order.paid", Self.paidPayload(order: "ord-good", user: "ob", sku: sku, quantity: 2)),
            ])
            #expect(try await Self.eventually { try await OrdersAPI.cartCount(client, user: "ob") == 0 })
            #expect(try await Self.eventually { try await Self.row(shop.database, order: "ord-good")?.delivered == true })
            let parked = try #require(try await Self.row(shop.database, order: "ord-malformed"))
            #expect(parked.parked && !parked.delivered && parked.attempts == 1 && parked.lastError != nil)
            #expect(shop.counter("orders_outbox_parked_total") == 1)
            // The counter moves just after the row is marked delivered: wait for it too.
            #expect(try await Self.eventually { shop.counter("orders_outbox_delivered_total") == 1 })
            // Parked stays parked: the relay no longer reads it.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await Self.row(shop.database, order: "ord-malformed")?.attempts == 1)
        }
    }

    /// A delivery that fails (the cart is down) is counted and retried after a backoff; it
    /// stays deliverable and goes through once the cart is back.
    @Test(arguments: TestDatabaseKind.allCases)
    func failedDeliveryIsCountedAndRetried(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let sku = try await client.skuInCart(user: "ob", quantity: 3, stock: 10)
            shop.faults.set(Self.cartService + "/ClearCart", .unavailable)
            try await Self.insertEvents(shop.database, [
                ("ord-later", "order.paid", Self.paidPayload(order: "ord-later", user: "ob", sku: sku, quantity: 3))
            ])
            #expect(try await Self.eventually { shop.counter("orders_outbox_failed_total") >= 1 })
            #expect(try await Self.eventually {
                guard let failed = try await Self.row(shop.database, order: "ord-later") else { return false }
                return !failed.delivered && !failed.parked && failed.attempts >= 1 && failed.lastError != nil
            })
            shop.faults.set(Self.cartService + "/ClearCart", nil)
            #expect(try await Self.eventually { try await Self.row(shop.database, order: "ord-later")?.delivered == true })
            #expect(try await OrdersAPI.cartCount(client, user: "ob") == 0)
            #expect(try await Self.eventually { shop.counter("orders_outbox_delivered_total") == 1 })
        }
    }

    /// `orders_outbox_delivered_total` counts events this process marked delivered: a paid
    /// checkout's two, a cancellation's one; delivering what was delivered already counts 0.
    @Test(arguments: TestDatabaseKind.allCases)
    func deliveredCountsEachEventOnce(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let (_, id) = try await client.paidCheckout(user: "dc", quantity: 1, stock: 10)
            #expect(try await Self.eventually { shop.counter("orders_outbox_delivered_total") == 2 })

            // A second relay (another instance, or a sweep racing checkout) delivering the
            // same order again marks nothing, so it counts nothing.
            let metrics = MetricsRegistry()
            let store = OrdersStore(database: shop.database)
            let relay = OutboxRelayWorker(
                store: store, cart: try shop.platform.rpc!.client(CartClient.self), interval: .seconds(1),
                logger: Logger(label: "test"), metrics: metrics.factory
            )
            let order = try #require(try await store.order(id: id))
            await relay.deliverPaid(order)
            #expect(try await relay.deliverPending() == 0)
            #expect(OrdersAPI.counter("orders_outbox_delivered_total", in: metrics) == 0)

            try await client.execute(uri: "/api/v1/orders/\(id)/cancel", method: .post, headers: TestUser.customer("dc")) { #expect($0.status == .ok) }
            #expect(try await Self.eventually { shop.counter("orders_outbox_delivered_total") == 3 })
            try await Task.sleep(for: .milliseconds(300))
            #expect(shop.counter("orders_outbox_delivered_total") == 3)
        }
    }
}
