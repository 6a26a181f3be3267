import EmporiumCore
import EmporiumPayments
import EmporiumTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Compensation when a step fails — a service down, a call timing out — and recovery
/// finishing what a failed compensation could not, on SQLite and PostgreSQL. The end state
/// is always one of two: paid with exactly one captured payment and committed stock, or
/// failed with nothing captured and every unit back.
@Suite struct CheckoutFailureTests {
    /// Units on hand of the SKU each test checks out: all of them are back after a rollback.
    static let onHand = 6

    /// Checks out `quantity` of a new SKU (`onHand` in stock) as `user` while `method` answers
    /// with `fault`, which stays on; returns the SKU and the checkout's response.
    static func checkout(
        _ shop: OrdersAPI.Context, user: String, quantity: Int, key: String = UUID().uuidString,
        while method: String, answers fault: FaultSwitch.Fault
    ) async throws -> (sku: String, response: TestResponse) {
        let sku = try await shop.client.skuInCart(user: user, quantity: quantity, stock: Self.onHand)
        shop.faults.set(method, fault)
        return (sku, try await shop.client.checkout(user: user, key: key))
    }

    /// `checkout` on the `withShortDeadlines` platform while payments' `method` answers only
    /// after checkout's 2 s deadline has passed.
    static func checkoutAnsweredLate(_ shop: OrdersAPI.Context, user: String, quantity: Int, by method: String) async throws -> (sku: String, response: TestResponse) {
        try await Self.checkout(shop, user: user, quantity: quantity, while: OrdersAPI.paymentsService + "/" + method, answers: .stall(.milliseconds(2600)))
    }

    /// The checkout did not finish: a 503 with Retry-After naming the order, which it left
    /// `status`; returns the order's id.
    static func expectUnfinished(
        _ response: TestResponse, _ shop: OrdersAPI.Context, leaving status: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let problem = response.expectProblem(.serviceUnavailable, sourceLocation: sourceLocation)
        #expect(response.headers[.retryAfter] != nil, sourceLocation: sourceLocation)
        let id = problem?.orderId ?? ""
        #expect(try await OrdersAPI.order(shop.client, id).decode(API.Order.self).status == status, sourceLocation: sourceLocation)
        return id
    }

    /// The failed end state: the order's one payment voided, nothing captured, every unit of
    /// `sku` back on hand with none reserved, and, when given, the shopper's cart kept whole.
    static func expectRolledBack(
        _ shop: OrdersAPI.Context, order id: String, sku: String, cart: (user: String, units: Int)? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        #expect(try await OrdersAPI.payments(shop.client, orderId: id).map(\.status) == ["voided"], sourceLocation: sourceLocation)
        #expect(try await OrdersAPI.stock(shop.client, sku) == (Self.onHand, 0), sourceLocation: sourceLocation)
        if let cart {
            #expect(try await OrdersAPI.cartCount(shop.client, user: cart.user) == cart.units, sourceLocation: sourceLocation)
        }
    }

    /// The checkout platform with internal calls that time out after 2 s, and a saga lease
    /// (6 s) longer than a step: a shorter one would let recovery take the order mid-step.
    static func withShortDeadlines(_ kind: TestDatabaseKind, _ body: @escaping @Sendable (OrdersAPI.Context) async throws -> Void) async throws {
        var settings = ServerSettings.forTests
        settings.rpcPolicy.timeout = .seconds(2)
        try await OrdersAPI.with(kind, settings: settings, environment: ["EMPORIUM_SAGA_LEASE_MS": "6000"], body)
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func inventoryDown(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let (sku, response) = try await Self.checkout(shop, user: "f1", quantity: 2, key: "retry-me", while: OrdersAPI.inventoryService, answers: .unavailable)
            #expect(response.status == .serviceUnavailable)
            let id = try #require(try await OrdersAPI.orders(client, user: "f1").first?.id)
            shop.faults.set(OrdersAPI.inventoryService, nil)
            // Recovery releases (nothing was reserved) and ends the order failed.
            let order = try await OrdersAPI.waitFor(client, order: id, status: "failed")
            #expect(order.status == "failed")
            try await Self.expectRolledBack(shop, order: id, sku: sku, cart: ("f1", 2))
            // The key is free again: retrying it checks out anew.
            let retried = try await client.checkout(user: "f1", key: "retry-me")
            #expect(retried.status == .created, "\(String(buffer: retried.body))")
            #expect(try await OrdersAPI.stock(client, sku) == (4, 0))
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func paymentsDown(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let (sku, response) = try await Self.checkout(shop, user: "f2", quantity: 2, while: OrdersAPI.paymentsService, answers: .unavailable)
            // Compensation could not void (payments is down): the order waits, its stock held.
            let id = try await Self.expectUnfinished(response, shop, leaving: "pending")
            #expect(try await OrdersAPI.stock(client, sku) == (6, 2))
            shop.faults.set(OrdersAPI.paymentsService, nil)
            #expect(try await OrdersAPI.waitFor(client, order: id, status: "failed").status == "failed")
            try await Self.expectRolledBack(shop, order: id, sku: sku, cart: ("f2", 2))
        }
    }

    /// A checkout stopped by a failed call gives its order up at once: the shopper's retry
    /// with the same key, as soon as payments answers again, finishes the compensation itself
    /// (recovery is slowed to a crawl here) instead of hearing "still running" (409) until
    /// the saga's lease runs out, and then checks out anew (the 503 decided nothing).
    @Test(arguments: TestDatabaseKind.allCases)
    func aRetryTakesOverAnInterruptedCheckoutAtOnce(_ kind: TestDatabaseKind) async throws {
        let slowRecovery = ["EMPORIUM_SAGA_LEASE_MS": "60000", "EMPORIUM_SAGA_RECOVERY_MS": "600000"]
        try await OrdersAPI.with(kind, environment: slowRecovery) { shop in
            let client = shop.client
            let (sku, response) = try await Self.checkout(shop, user: "f6", quantity: 2, key: "same-key", while: OrdersAPI.paymentsService, answers: .unavailable)
            let id = try await Self.expectUnfinished(response, shop, leaving: "pending")
            shop.faults.set(OrdersAPI.paymentsService, nil)

            let retried = try await client.checkout(user: "f6", key: "same-key")
            #expect(retried.status == .created, "\(String(buffer: retried.body))")
            let paid = try retried.decode(API.Order.self)
            #expect(paid.id != id && paid.status == "paid")
            #expect(try await OrdersAPI.order(client, id).decode(API.Order.self).status == "failed")
            #expect(try await OrdersAPI.payments(client, orderId: id).map(\.status) == ["voided"])
            #expect(try await OrdersAPI.stock(client, sku) == (4, 0))

            // The key now answers with the paid order.
            let replayed = try await client.checkout(user: "f6", key: "same-key")
            #expect(try replayed.decode(API.Order.self).id == paid.id)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func authorizeTimesOut(_ kind: TestDatabaseKind) async throws {
        try await Self.withShortDeadlines(kind) { shop in
            // Authorize answers after checkout gave up on it: compensation voids by order id
            // first, so the late authorization finds the order voided and holds nothing.
            let (sku, response) = try await Self.checkoutAnsweredLate(shop, user: "f3", quantity: 1, by: "Authorize")
            let id = try await Self.expectUnfinished(response, shop, leaving: "failed")
            try await Task.sleep(for: .milliseconds(1200))
            try await Self.expectRolledBack(shop, order: id, sku: sku)
            #expect(try await shop.payments.balance(account: "cash") == 0)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func captureFails(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            // The reservation is committed by then: compensation voids and returns the units.
            let (sku, response) = try await Self.checkout(shop, user: "f4", quantity: 3, while: OrdersAPI.paymentsService + "/Capture", answers: .unavailable)
            let id = try await Self.expectUnfinished(response, shop, leaving: "failed")
            try await Self.expectRolledBack(shop, order: id, sku: sku, cart: ("f4", 3))
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func captureAnswersLate(_ kind: TestDatabaseKind) async throws {
        try await Self.withShortDeadlines(kind) { shop in
            let client = shop.client
            let (sku, response) = try await Self.checkoutAnsweredLate(shop, user: "f5", quantity: 2, by: "Capture")
            shop.faults.set(OrdersAPI.paymentsService + "/Capture", nil)
            let id = try #require(try await OrdersAPI.orders(client, user: "f5").first?.id)
            try await Task.sleep(for: .milliseconds(1200))
            // Whichever won — the late capture or the void — the order agrees with it.
            let order = try await OrdersAPI.waitFor(client, order: id, status: "paid", timeout: .seconds(3))
            if order.status == "paid" {
                #expect(try await OrdersAPI.payments(client, orderId: id).map(\.status) == ["captured"])
                #expect(try await OrdersAPI.stock(client, sku) == (4, 0))
            } else {
                #expect(response.status == .serviceUnavailable)
                #expect(order.status == "failed")
                try await Self.expectRolledBack(shop, order: id, sku: sku)
            }
            try await shop.expectLedgerBalanced()
        }
    }
}
