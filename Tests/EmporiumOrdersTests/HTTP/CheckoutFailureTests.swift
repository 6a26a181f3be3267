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
    static func expectUnfinished(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let problem = response.expectProblem(.serviceUnavailable, sourceLocation: sourceLocation)
        #expect(response.headers[.retryAfter] != nil, sourceLocation: sourceLocation)
        return problem?.orderId ?? ""
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
            let sku = try await client.skuInCart(user: "f1", quantity: 2, stock: 6)
            shop.faults.set(OrdersAPI.inventoryService, .unavailable)
            let response = try await client.checkout(user: "f1", key: "retry-me")
            #expect(response.status == .serviceUnavailable)
            let id = try #require(try await OrdersAPI.orders(client, user: "f1").first?.id)
            shop.faults.set(OrdersAPI.inventoryService, nil)
            // Recovery releases (nothing was reserved) and ends the order failed.
            let order = try await OrdersAPI.waitFor(client, order: id, status: "failed")
            #expect(order.status == "failed")
            #expect(try await OrdersAPI.payments(client, orderId: id).map(\.status) == ["voided"])
            #expect(try await OrdersAPI.stock(client, sku) == (6, 0))
            #expect(try await OrdersAPI.cartCount(client, user: "f1") == 2)
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
            let sku = try await client.skuInCart(user: "f2", quantity: 2, stock: 6)
            shop.faults.set(OrdersAPI.paymentsService, .unavailable)
            let id = Self.expectUnfinished(try await client.checkout(user: "f2"))
            // Compensation could not void (payments is down): the order waits, its stock held.
            #expect(try await OrdersAPI.order(client, id).decode(API.Order.self).status == "pending")
            #expect(try await OrdersAPI.stock(client, sku) == (6, 2))
            shop.faults.set(OrdersAPI.paymentsService, nil)
            #expect(try await OrdersAPI.waitFor(client, order: id, status: "failed").status == "failed")
            #expect(try await OrdersAPI.stock(client, sku) == (6, 0))
            #expect(try await OrdersAPI.payments(client, orderId: id).map(\.status) == ["voided"])
            #expect(try await OrdersAPI.cartCount(client, user: "f2") == 2)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func authorizeTimesOut(_ kind: TestDatabaseKind) async throws {
        try await Self.withShortDeadlines(kind) { shop in
            let client = shop.client
            let sku = try await client.skuInCart(user: "f3", quantity: 1, stock: 6)
            // Authorize answers after checkout gave up on it: compensation voids by order id
            // first, so the late authorization finds the order voided and holds nothing.
            shop.faults.set(OrdersAPI.paymentsService + "/Authorize", .stall(.milliseconds(2600)))
            let id = Self.expectUnfinished(try await client.checkout(user: "f3"))
            #expect(try await OrdersAPI.order(client, id).decode(API.Order.self).status == "failed")
            try await Task.sleep(for: .milliseconds(1200))
            #expect(try await OrdersAPI.payments(client, orderId: id).map(\.status) == ["voided"])
            #expect(try await OrdersAPI.stock(client, sku) == (6, 0))
            #expect(try await shop.payments.balance(account: "cash") == 0)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func captureFails(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let sku = try await client.skuInCart(user: "f4", quantity: 3, stock: 6)
            // The reservation is committed by then: compensation voids and returns the units.
            shop.faults.set(OrdersAPI.paymentsService + "/Capture", .unavailable)
            let id = Self.expectUnfinished(try await client.checkout(user: "f4"))
            #expect(try await OrdersAPI.order(client, id).decode(API.Order.self).status == "failed")
            #expect(try await OrdersAPI.payments(client, orderId: id).map(\.status) == ["voided"])
            #expect(try await OrdersAPI.stock(client, sku) == (6, 0))
            #expect(try await OrdersAPI.cartCount(client, user: "f4") == 3)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func captureAnswersLate(_ kind: TestDatabaseKind) async throws {
        try await Self.withShortDeadlines(kind) { shop in
            let client = shop.client
            let sku = try await client.skuInCart(user: "f5", quantity: 2, stock: 6)
            shop.faults.set(OrdersAPI.paymentsService + "/Capture", .stall(.milliseconds(2600)))
            let response = try await client.checkout(user: "f5")
            shop.faults.set(OrdersAPI.paymentsService + "/Capture", nil)
            let id = try #require(try await OrdersAPI.orders(client, user: "f5").first?.id)
            try await Task.sleep(for: .milliseconds(1200))
            // Whichever won — the late capture or the void — the order agrees with it.
            let order = try await OrdersAPI.waitFor(client, order: id, status: "paid", timeout: .seconds(3))
            let payments = try await OrdersAPI.payments(client, orderId: id).map(\.status)
            if order.status == "paid" {
                #expect(payments == ["captured"])
                #expect(try await OrdersAPI.stock(client, sku) == (4, 0))
            } else {
                #expect(response.status == .serviceUnavailable)
                #expect(order.status == "failed")
                #expect(payments == ["voided"])
                #expect(try await OrdersAPI.stock(client, sku) == (6, 0))
            }
            let ledger = try await shop.payments.ledgerCheck()
            #expect(ledger.total == 0 && ledger.unbalancedTransactions.isEmpty)
        }
    }
}
