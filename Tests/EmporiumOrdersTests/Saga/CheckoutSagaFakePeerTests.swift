import EmporiumClients
import EmporiumCore
@testable import EmporiumOrders
import EmporiumTesting
import Foundation
import Logging
import Metrics
import Testing

/// The checkout saga against in-memory peers (cart, inventory, payments), with a real orders
/// store on SQLite: the outcomes `CheckoutTests` and `CheckoutFailureTests` see through
/// HTTP and gRPC, here in memory and fast.
@Suite struct CheckoutSagaFakePeerTests {
    /// The peers one saga talks to, for arranging and checking.
    struct Peers: Sendable {
        let catalog: InMemoryCatalog
        let cart: InMemoryCart
        let inventory: InMemoryInventory
        let payments: InMemoryPayments
    }

    static let mug = CatalogVariant(sku: "MUG-1", productId: "prod_mug", productName: "Mug", variantName: "Blue", priceAmount: 1250, currency: "USD")
    static let pen = CatalogVariant(sku: "PEN-1", productId: "prod_pen", productName: "Pen", variantName: "Pen", priceAmount: 199, currency: "USD")
    static let address = ShippingAddress(name: "Ada Lovelace", line1: "1 Main St", line2: nil, city: "Springfield", postalCode: "12345", country: "US")

    static func card(_ number: String = "4242424242424242") throws -> PaymentCard {
        try PaymentCard.validate(number: number, expMonth: 12, expYear: Calendar.current.component(.year, from: Date()) + 3, cvc: "123").get()
    }

    /// A saga over fresh fakes (stock: `onHand`) and a migrated orders database. `payments`
    /// replaces the in-memory payments, for a test that needs a peer to misbehave.
    static func with(
        onHand: [String: Int] = ["MUG-1": 10, "PEN-1": 5],
        payments: (@Sendable (Peers) -> any PaymentsPeer)? = nil,
        _ body: @escaping @Sendable (CheckoutSaga, Peers, OrdersStore) async throws -> Void
    ) async throws {
        _ = try await TestDatabase.with(.sqlite) { database in
            let logger = Logger(label: "test")
            try await Migrator.migrate(database, service: "orders", migrations: OrdersMigrations.all, logger: logger)
            let catalog = InMemoryCatalog([Self.mug, Self.pen])
            let peers = Peers(catalog: catalog, cart: InMemoryCart(catalog: catalog), inventory: InMemoryInventory(onHand: onHand), payments: InMemoryPayments())
            let store = OrdersStore(database: database)
            let relay = OutboxRelayWorker(store: store, cart: peers.cart, interval: .seconds(1), logger: logger, metrics: NOOPMetricsHandler.instance)
            let saga = CheckoutSaga(
                store: store, cart: peers.cart, inventory: peers.inventory, payments: payments?(peers) ?? peers.payments, relay: relay,
                lease: .seconds(30), faults: FaultInjector(spec: nil), logger: logger
            )
            try await body(saga, peers, store)
        }
    }

    /// The order a checkout ended with: the paid one it answers, or the failed one its
    /// error names (a decline, a failure); nil for refusals without an order.
    static func ended(_ store: OrdersStore, _ checkout: () async throws -> Order) async throws -> Order? {
        do {
            return try await checkout()
        } catch OrdersError.declined(let orderId, _), OrdersError.checkoutFailed(let orderId) {
            return try await store.order(id: orderId)
        }
    }

    @Test func aPaidCheckoutCapturesOnceCommitsStockAndEmptiesTheCart() async throws {
        try await Self.with { saga, peers, store in
            peers.cart.add(userId: "u1", sku: "MUG-1", quantity: 2)
            peers.cart.add(userId: "u1", sku: "PEN-1", quantity: 3)
            let order = try #require(try await Self.ended(store) { try await saga.checkout(userId: "u1", idempotencyKey: "k1", address: Self.address, card: try Self.card()) })
            #expect(order.status == .paid && order.step == .done && order.paymentStatus == "captured")
            #expect(order.total == Money(amount: 2 * 1250 + 3 * 199, currency: "USD"))
            #expect(order.items.map(\.sku) == ["MUG-1", "PEN-1"] && order.items.map(\.name) == ["Mug – Blue", "Pen"])
            #expect(order.cardBrand == "visa" && order.cardLast4 == "4242")
            #expect(try await peers.inventory.stock(skus: ["MUG-1", "PEN-1"]) == [
                StockLevel(sku: "MUG-1", onHand: 8, reserved: 0), StockLevel(sku: "PEN-1", onHand: 2, reserved: 0),
            ])
            #expect(peers.inventory.status(of: order.id) == .committed)
            let payment = try await peers.payments.payment(orderId: order.id)
            #expect(payment.status == .captured && payment.amount == 3097 && payment.id == order.paymentId)
            #expect(payment.events.map(\.type) == ["authorized", "captured"])
            #expect(peers.cart.unitCount(userId: "u1") == 0)
        }
    }

    /// The same Idempotency-Key again (a client retry) answers the order it made: no second
    /// reservation, authorization or capture.
    @Test func aRetryWithTheSameKeyNeitherChargesNorReservesAgain() async throws {
        try await Self.with { saga, peers, store in
            peers.cart.add(userId: "u2", sku: "MUG-1", quantity: 1)
            let first = try #require(try await Self.ended(store) { try await saga.checkout(userId: "u2", idempotencyKey: "same", address: Self.address, card: try Self.card()) })
            // The cart is empty now; a retry must not need it.
            let again = try #require(try await Self.ended(store) { try await saga.checkout(userId: "u2", idempotencyKey: "same", address: Self.address, card: try Self.card()) })
            #expect(again.id == first.id && again.status == .paid)
            #expect(peers.payments.all.count == 1)
            #expect(try await peers.payments.payment(orderId: first.id).events.filter { $0.type == "captured" }.count == 1)
            #expect(try await peers.inventory.stock(skus: ["MUG-1"]).first?.onHand == 9)
        }
    }

    /// Each test card that declines: the order ends failed with the processor's code, its
    /// reservation released, nothing captured, the cart kept for another try.
    @Test(arguments: [("4000000000000002", "card_declined"), ("4000000000009995", "insufficient_funds"), ("4000000000000119", "processing_error")])
    func aDeclinedCardReleasesTheStockAndFailsTheOrder(_ number: String, _ code: String) async throws {
        try await Self.with { saga, peers, store in
            peers.cart.add(userId: "u3", sku: "MUG-1", quantity: 2)
            let order = try #require(try await Self.ended(store) { try await saga.checkout(userId: "u3", idempotencyKey: "k3", address: Self.address, card: try Self.card(number)) })
            #expect(order.status == .failed && order.step == .done)
            #expect(order.failureCode == code && order.paymentStatus == "failed")
            #expect(peers.inventory.status(of: order.id) == .released)
            #expect(try await peers.inventory.stock(skus: ["MUG-1"]) == [StockLevel(sku: "MUG-1", onHand: 10, reserved: 0)])
            let payment = try await peers.payments.payment(orderId: order.id)
            #expect(payment.status == .failed && payment.declineCode == code && payment.events.map(\.type) == ["failed"])
            #expect(peers.cart.unitCount(userId: "u3") == 2)
        }
    }

    /// Not enough stock: no order at all, nothing reserved or charged, the cart kept.
    @Test func outOfStockLeavesNoOrderAndHoldsNothing() async throws {
        try await Self.with(onHand: ["MUG-1": 10, "PEN-1": 1]) { (saga, peers, store) async throws in
            peers.cart.add(userId: "u4", sku: "MUG-1", quantity: 1)
            peers.cart.add(userId: "u4", sku: "PEN-1", quantity: 3)
            await #expect(throws: OrdersError.outOfStock(["PEN-1"])) {
                try await saga.checkout(userId: "u4", idempotencyKey: "k4", address: Self.address, card: try Self.card())
            }
            #expect(try await store.order(userId: "u4", idempotencyKey: "k4") == nil)
            #expect(try await peers.inventory.stock(skus: ["MUG-1", "PEN-1"]).map(\.reserved) == [0, 0])
            #expect(peers.payments.all.isEmpty)
            #expect(peers.cart.unitCount(userId: "u4") == 4)
        }
    }

    /// A SKU the catalog stopped selling is refused before anything is reserved; an empty
    /// cart has nothing to check out.
    @Test func noLongerSoldAndEmptyCartsAreRefusedUpFront() async throws {
        try await Self.with { (saga, peers, _) async throws in
            peers.cart.add(userId: "u5", sku: "MUG-1", quantity: 1)
            peers.cart.add(userId: "u5", sku: "PEN-1", quantity: 1)
            peers.catalog.archive(sku: "PEN-1")
            await #expect(throws: OrdersError.outOfStock(["PEN-1"])) {
                try await saga.checkout(userId: "u5", idempotencyKey: "k5", address: Self.address, card: try Self.card())
            }
            await #expect(throws: OrdersError.emptyCart) {
                try await saga.checkout(userId: "nobody", idempotencyKey: "k6", address: Self.address, card: try Self.card())
            }
            #expect(try await peers.inventory.stock(skus: ["MUG-1"]).first?.reserved == 0)
            #expect(peers.payments.all.isEmpty)
        }
    }

    /// The reservation lapses while the card is being authorized: commit is refused, so the
    /// saga voids the authorization and fails the order `reservation_expired`.
    @Test func aReservationThatLapsesBeforeCommitVoidsThePayment() async throws {
        try await Self.with(payments: { peers in ExpiringWhileAuthorizing(payments: peers.payments, inventory: peers.inventory) }) { saga, peers, store in
            peers.cart.add(userId: "u7", sku: "MUG-1", quantity: 3)
            let order = try #require(try await Self.ended(store) { try await saga.checkout(userId: "u7", idempotencyKey: "k7", address: Self.address, card: try Self.card()) })
            #expect(order.status == .failed && order.failureCode == "reservation_expired" && order.paymentStatus == "voided")
            #expect(peers.inventory.status(of: order.id) == .expired)
            #expect(try await peers.inventory.stock(skus: ["MUG-1"]) == [StockLevel(sku: "MUG-1", onHand: 10, reserved: 0)])
            #expect(try await peers.payments.payment(orderId: order.id).events.map(\.type) == ["authorized", "voided"])
        }
    }

    /// Cancelling a paid order refunds it and puts its units back on hand.
    @Test func cancellingAPaidOrderRefundsAndReturnsTheStock() async throws {
        try await Self.with { saga, peers, store in
            peers.cart.add(userId: "u8", sku: "PEN-1", quantity: 2)
            let paid = try #require(try await Self.ended(store) { try await saga.checkout(userId: "u8", idempotencyKey: "k8", address: Self.address, card: try Self.card()) })
            let cancelled = try await saga.cancel(paid)
            #expect(cancelled.status == .cancelled && cancelled.paymentStatus == "refunded")
            #expect(peers.inventory.status(of: paid.id) == .returned)
            #expect(try await peers.inventory.stock(skus: ["PEN-1"]) == [StockLevel(sku: "PEN-1", onHand: 5, reserved: 0)])
            #expect(try await peers.payments.payment(orderId: paid.id).events.map(\.type) == ["authorized", "captured", "refunded"])
            // Only a paid order can be cancelled.
            await #expect(throws: OrdersError.notCancellable(status: "cancelled")) { try await saga.cancel(cancelled) }
        }
    }
}

/// Payments that, while authorizing, lets the sweeper expire every open reservation: the
/// race between a slow authorization and a reservation's time running out.
struct ExpiringWhileAuthorizing: PaymentsPeer {
    let payments: InMemoryPayments
    let inventory: InMemoryInventory

    func authorize(orderId: String, amount: Money, card: CardDetails) async throws -> PaymentOutcome {
        self.inventory.expireDue(now: .distantFuture)
        return try await self.payments.authorize(orderId: orderId, amount: amount, card: card)
    }

    func capture(paymentId: String) async throws -> PaymentOutcome { try await self.payments.capture(paymentId: paymentId) }
    func void(paymentId: String) async throws -> PaymentOutcome { try await self.payments.void(paymentId: paymentId) }
    func void(orderId: String) async throws -> PaymentOutcome { try await self.payments.void(orderId: orderId) }
    func refund(paymentId: String) async throws -> PaymentOutcome { try await self.payments.refund(paymentId: paymentId) }
    func payment(orderId: String) async throws -> PaymentOutcome { try await self.payments.payment(orderId: orderId) }
}
