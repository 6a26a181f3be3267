import EmporiumCart
import EmporiumCatalog
import EmporiumClients
import EmporiumCore
import EmporiumDemo
import EmporiumInventory
@testable import EmporiumOrders
import EmporiumPayments
import EmporiumTesting
import Foundation
import Testing

/// The storefront's checkout and order pages over orders' gRPC API, with the real catalog,
/// inventory, cart and payments in one platform: the public API's outcomes and rules.
@Suite struct OrdersRPCTests {
    static var services: [any ServiceDefinition.Type] {
        [
            CatalogService.self, InventoryService.self, CartService.self, PaymentsService.self, OrdersService.self,
        ]
    }
    static let address = ShippingDetails(name: "Ada Lovelace", line1: "1 Analytical Way", city: "London", postalCode: "N1 9GU", country: "GB")
    static let expYear = Calendar(identifier: .gregorian).component(.year, from: Date()) + 2

    static func card(_ number: String) -> CardDetails {
        CardDetails(number: number, expMonth: 12, expYear: Self.expYear, cvc: "123")
    }

    /// The refusal a call ends with, or nil when it answers.
    static func refusal(_ body: () async throws -> Void) async -> OrdersRefusal? {
        do {
            try await body()
            return nil
        } catch let error as OrdersRefusal {
            return error
        } catch {
            Issue.record("not a refusal: \(error)")
            return nil
        }
    }

    /// `orders_checkouts_total{outcome="<outcome>"}`, 0 when unset.
    static func checkouts(_ platform: Platform, _ outcome: String) -> Double {
        let prefix = "orders_checkouts_total{outcome=\"\(outcome)\"} "
        return String(decoding: platform.metrics.exposition(), as: UTF8.self).split(separator: "\n")
            .first { $0.hasPrefix(prefix) }
            .flatMap { Double($0.dropFirst(prefix.count)) } ?? 0
    }

    static func with(_ kind: TestDatabaseKind, _ body: @escaping @Sendable (Platform, OrdersClient, CartClient) async throws -> Void) async throws {
        _ = try await TestPlatform.with(kind, services: Self.services, environment: ["EMPORIUM_SEED_DEMO": "true"]) { platform in
            let rpc = try #require(platform.rpc)
            try await body(platform, try rpc.client(OrdersClient.self), try rpc.client(CartClient.self))
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func paidReplayedAndCancelled(_ kind: TestDatabaseKind) async throws {
        try await Self.with(kind) { platform, orders, cart in
            let payments = try #require(platform.rpc).client(PaymentsClient.self)
            let (first, second) = (DemoCatalog.skus[0], DemoCatalog.skus[1])
            _ = try await cart.add(userId: "usr-1", sku: first, quantity: 2)
            let priced = try await cart.add(userId: "usr-1", sku: second, quantity: 1)

            let outcome = try await orders.checkout(userId: "usr-1", idempotencyKey: "key-paid", address: Self.address, card: Self.card("4242424242424242"))
            guard case .paid(let order) = outcome else {
                Issue.record("expected paid, got \(outcome)")
                return
            }
            #expect(order.status == "paid" && order.paymentStatus == "captured")
            #expect(order.paymentBrand == "visa" && order.paymentLast4 == "4242")
            #expect(order.lines.map(\.sku) == priced.lines.map(\.sku))
            #expect(order.lines.map(\.quantity) == priced.lines.map(\.quantity))
            #expect(order.subtotalAmount == priced.subtotalAmount && order.totalAmount == priced.subtotalAmount)
            #expect(order.shippingAmount == 0 && order.taxAmount == 0 && order.currency == "USD")
            #expect(order.address == Self.address && order.failureCode == nil)
            #expect(abs(order.createdAt.timeIntervalSinceNow) < 60)
            #expect(try await cart.cart(userId: "usr-1").lines.isEmpty)
            #expect(Self.checkouts(platform, "paid") == 1)

            // The same key again (even with another card): the first order, charged once.
            let again = try await orders.checkout(userId: "usr-1", idempotencyKey: "key-paid", address: Self.address, card: Self.card("5555555555554444"))
            guard case .paid(let replayed) = again else {
                Issue.record("expected the paid order again, got \(again)")
                return
            }
            #expect(replayed.id == order.id && replayed.status == "paid" && replayed.totalAmount == order.totalAmount)
            let payment = try await payments.payment(orderId: order.id)
            #expect(payment.status == .captured && payment.amount == order.totalAmount)
            #expect(payment.events.map(\.type) == ["authorized", "captured"])
            #expect(try await orders.orders(userId: "usr-1", limit: 100, cursor: nil).orders.map(\.id) == [order.id])
            let ledger = PaymentsStore(database: try #require(platform.units[0].database))
            #expect(try await ledger.balance(account: "cash") == order.totalAmount)

            // Only its owner sees or cancels it.
            let shown = try await orders.order(userId: "usr-1", id: order.id)
            #expect(shown.id == order.id && shown.lines == order.lines && shown.paymentStatus == "captured")
            #expect(await Self.refusal { _ = try await orders.order(userId: "usr-2", id: order.id) } == .notFound)
            #expect(await Self.refusal { _ = try await orders.cancel(userId: "usr-2", id: order.id) } == .notFound)
            #expect(await Self.refusal { _ = try await orders.order(userId: "usr-1", id: "ord-nope") } == .notFound)

            let cancelled = try await orders.cancel(userId: "usr-1", id: order.id)
            #expect(cancelled.id == order.id && cancelled.status == "cancelled" && cancelled.paymentStatus == "refunded")
            #expect(try await payments.payment(orderId: order.id).status == .refunded)
            guard case .notCancellable = await Self.refusal({ _ = try await orders.cancel(userId: "usr-1", id: order.id) }) else {
                Issue.record("a cancelled order was cancelled again")
                return
            }
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func declinedOutOfStockAndRefused(_ kind: TestDatabaseKind) async throws {
        try await Self.with(kind) { platform, orders, cart in
            let sku = DemoCatalog.skus[2]
            _ = try await cart.add(userId: "usr-1", sku: sku, quantity: 1)

            let declined = try await orders.checkout(userId: "usr-1", idempotencyKey: "key-declined", address: Self.address, card: Self.card("4000000000000002"))
            guard case .declined(let orderId, let code) = declined else {
                Issue.record("expected declined, got \(declined)")
                return
            }
            #expect(code == "card_declined")
            let failed = try await orders.order(userId: "usr-1", id: orderId)
            #expect(failed.status == "failed" && failed.failureCode == "card_declined")
            #expect(try await orders.orders(userId: "usr-1", limit: 20, cursor: nil).orders.map(\.id) == [orderId])
            #expect(try await cart.cart(userId: "usr-1").lines.map(\.sku) == [sku])
            // A retry with the key answers the same decline, and makes no second order.
            #expect(try await orders.checkout(userId: "usr-1", idempotencyKey: "key-declined", address: Self.address, card: Self.card("4242424242424242")) == declined)
            #expect(try await orders.orders(userId: "usr-1", limit: 20, cursor: nil).orders.count == 1)
            #expect(Self.checkouts(platform, "card_declined") == 2)

            // Sold out: no order, the cart kept.
            _ = try await InventoryStore(database: try #require(platform.units[0].database)).setOnHand(sku: sku, onHand: 0, now: Date())
            let soldOut = try await orders.checkout(userId: "usr-1", idempotencyKey: "key-sold-out", address: Self.address, card: Self.card("4242424242424242"))
            #expect(soldOut == .outOfStock(skus: [sku]))
            #expect(try await orders.orders(userId: "usr-1", limit: 20, cursor: nil).orders.count == 1)
            #expect(try await cart.cart(userId: "usr-1").lines.map(\.sku) == [sku])
            #expect(Self.checkouts(platform, "out_of_stock") == 1)

            func refusal(user: String = "usr-1", key: String = "key-x", address: ShippingDetails = Self.address, card: String = "4242424242424242") async -> OrdersRefusal? {
                await Self.refusal { _ = try await orders.checkout(userId: user, idempotencyKey: key, address: address, card: Self.card(card)) }
            }
            #expect(await refusal(user: "usr-empty") == .emptyCart)
            #expect(Self.checkouts(platform, "empty_cart") == 1)
            var nowhere = Self.address
            nowhere.country = "XX"
            for invalid in [await refusal(card: "4242424242424241"), await refusal(address: nowhere), await refusal(key: String(repeating: "k", count: 256)), await refusal(key: "")] {
                guard case .invalid(let message) = invalid else {
                    Issue.record("expected invalid, got \(String(describing: invalid))")
                    continue
                }
                #expect(!message.isEmpty)
            }
            guard case .invalid(let message) = await refusal(card: "4242424242424241") else { return }
            #expect(message.contains("card.number") && !message.contains("4242424242424241"))
            // 255 characters is a key like any other.
            #expect(await refusal(user: "usr-empty", key: String(repeating: "k", count: 255)) == .emptyCart)
        }
    }

    /// A checkout whose order another process is driving (its lease still held) is ABORTED,
    /// which the client answers as `inFlight`.
    @Test(arguments: TestDatabaseKind.allCases)
    func sameKeyStillRunning(_ kind: TestDatabaseKind) async throws {
        try await Self.with(kind) { platform, orders, _ in
            let now = Date()
            let usd = { (amount: Int) in Money(amount: amount, currency: "USD") }
            let running = Order(
                id: "ord-running", userId: "usr-1", status: .pending, step: .authorize, failureCode: nil,
                items: [OrderItem(sku: DemoCatalog.skus[0], productId: "prd-x", name: "X", unitPrice: usd(100), quantity: 1, lineTotal: usd(100))],
                subtotal: usd(100), shipping: usd(0), tax: usd(0), total: usd(100),
                shippingAddress: ShippingAddress(name: "A", line1: "B", line2: nil, city: "C", postalCode: "D", country: "GB"),
                paymentId: nil, paymentStatus: nil, cardBrand: "visa", cardLast4: "4242", createdAt: now, updatedAt: now
            )
            let created = try await OrdersStore(database: try #require(platform.units[0].database)).create(running, idempotencyKey: "key-running", leaseUntil: now.addingTimeInterval(600))
            #expect(created)
            let refusal = await Self.refusal {
                _ = try await orders.checkout(userId: "usr-1", idempotencyKey: "key-running", address: Self.address, card: Self.card("4242424242424242"))
            }
            #expect(refusal == .inFlight)
            #expect(Self.checkouts(platform, "in_flight") == 1)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func ordersNewestFirstInPages(_ kind: TestDatabaseKind) async throws {
        try await Self.with(kind) { _, orders, cart in
            var ids: [String] = []
            for index in 0..<3 {
                _ = try await cart.add(userId: "usr-1", sku: DemoCatalog.skus[index], quantity: 1)
                let outcome = try await orders.checkout(userId: "usr-1", idempotencyKey: "key-\(index)", address: Self.address, card: Self.card("4242424242424242"))
                guard case .paid(let order) = outcome else {
                    Issue.record("expected paid, got \(outcome)")
                    return
                }
                ids.append(order.id)
            }
            let first = try await orders.orders(userId: "usr-1", limit: 2, cursor: nil)
            #expect(first.orders.map(\.id) == [ids[2], ids[1]])
            let cursor = try #require(first.nextCursor)
            let second = try await orders.orders(userId: "usr-1", limit: 2, cursor: cursor)
            #expect(second.orders.map(\.id) == [ids[0]] && second.nextCursor == nil)
            #expect(try await orders.orders(userId: "usr-1", limit: 0, cursor: nil).orders.map(\.id) == ids.reversed())
            #expect(try await orders.orders(userId: "usr-2", limit: 20, cursor: nil).orders.isEmpty)

            let badRequests: [@Sendable () async throws -> Void] = [
                { _ = try await orders.orders(userId: "usr-1", limit: 101, cursor: nil) },
                { _ = try await orders.orders(userId: "usr-1", limit: 2, cursor: cursor + "x") },
            ]
            for bad in badRequests {
                guard case .invalid = await Self.refusal(bad) else {
                    Issue.record("a bad limit or cursor was accepted")
                    continue
                }
            }
        }
    }
}
