import EmporiumClients
import EmporiumCore
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Delivers the orders outbox at least once. Checkout delivers an order's events itself
/// right after writing them (so the cart is empty when the 201 goes out); this service
/// sweeps up whatever a crash or a failed call left behind. Consumers are idempotent:
/// `order.paid` takes the order's lines out of the buyer's cart (once per order, so a
/// redelivery never removes units added since); the other events are logged for operators.
struct OutboxRelayWorker: Service {
    let store: OrdersStore
    let cart: any CartPeer
    let interval: Duration
    let logger: Logger
    /// `orders_outbox_delivered_total`, `orders_outbox_failed_total{type}`,
    /// `orders_outbox_parked_total{type}`.
    let delivered: CounterFamily
    let failed: CounterFamily
    let parked: CounterFamily

    init(store: OrdersStore, cart: any CartPeer, interval: Duration, logger: Logger, metrics: any MetricsFactory) {
        self.store = store
        self.cart = cart
        self.interval = interval
        self.logger = logger
        self.delivered = CounterFamily(label: "orders_outbox_delivered_total", factory: metrics)
        // The relay delivers `order.paid` (the cart clear); other types are marked by checkout.
        self.failed = CounterFamily(label: "orders_outbox_failed_total", dimension: "type", knownValues: ["order.paid"], factory: metrics)
        self.parked = CounterFamily(label: "orders_outbox_parked_total", dimension: "type", knownValues: ["order.paid"], factory: metrics)
    }

    func run() async throws {
        await repeatUntilShutdown(every: self.interval, logger: self.logger, failure: "Outbox relay pass failed") {
            while try await self.deliverPending() == 100 {}
        }
    }

    /// Delivers a just-paid order's events at once — `order.created` (logged) and
    /// `order.paid` (the cart emptied) — without reading them back; a failure leaves them
    /// for the next sweep.
    func deliverPaid(_ order: Order) async {
        do {
            try await self.cart.removeOrdered(userId: order.userId, orderId: order.id, lines: order.items.map { ($0.sku, $0.quantity) })
            // Counts what this call marked: a sweep may have delivered them first.
            let marked = try await self.store.markDelivered(orderId: order.id, types: ["order.created", "order.paid"], now: Date())
            self.countDelivered(marked)
        } catch {
            self.logger.warning("Outbox delivery deferred", metadata: ["order": "\(order.id)", "error": "\(String(reflecting: error))"])
        }
    }

    /// Delivers the pending events that are due, in order. One that fails does not stop the
    /// rest: it is counted (`orders_outbox_failed_total`) and tried again after a backoff
    /// that grows with its attempts (it stays retryable: a consumer that is down comes
    /// back); one that can never be delivered (its payload does not decode) is parked
    /// (`orders_outbox_parked_total`, `order_outbox.parked_at`) and logged at error.
    /// Returns how many were read.
    func deliverPending(now: Date = Date()) async throws -> Int {
        let events = try await self.store.undelivered(limit: 100, now: now)
        var delivered: [Int] = []
        for event in events {
            do {
                try await self.handle(event)
                delivered.append(event.seq)
            } catch let error as DecodingError {
                let attempts = event.attempts + 1
                try await self.store.recordFailure(seq: event.seq, attempts: attempts, error: Self.describe(error), .park(now: Date()))
                self.parked.increment(event.type)
                self.logger.error(
                    "Outbox event parked: its payload cannot be read; set order_outbox.parked_at to NULL once fixed to relay it again",
                    metadata: ["seq": "\(event.seq)", "order": "\(event.orderId)", "type": "\(event.type)", "error": "\(Self.describe(error))"]
                )
            } catch {
                let attempts = event.attempts + 1
                try await self.store.recordFailure(
                    seq: event.seq, attempts: attempts, error: Self.describe(error), .retry(at: Date().addingTimeInterval(Self.backoff(attempts: attempts)))
                )
                self.failed.increment(event.type)
                self.logger.log(
                    level: attempts >= Self.alertAttempts ? .error : .warning,
                    "Outbox event not delivered; retrying later",
                    metadata: ["seq": "\(event.seq)", "order": "\(event.orderId)", "type": "\(event.type)", "attempts": "\(attempts)", "error": "\(Self.describe(error))"]
                )
            }
        }
        self.countDelivered(try await self.store.markDelivered(delivered, now: Date()))
        return events.count
    }

    /// From this many failed attempts on, a failure is logged at error: a consumer down
    /// this long needs an operator.
    static let alertAttempts = 5

    /// Seconds before the next try: 1, 2, 4 … up to 5 minutes.
    static func backoff(attempts: Int) -> TimeInterval {
        min(300, pow(2, Double(min(attempts, 20) - 1)))
    }

    /// A short description for the row and the log (never the payload: it names the buyer).
    static func describe(_ error: any Error) -> String {
        String(String(describing: error).prefix(500))
    }

    func countDelivered(_ count: Int) {
        if count > 0 {
            self.delivered.increment(by: count)
        }
    }

    func handle(_ event: OrdersStore.OutboxEvent) async throws {
        switch event.type {
        case "order.paid":
            let payload = try JSONCoding.decoder.decode(OrdersStore.EventPayload.self, from: Data(event.payload.utf8))
            try await self.cart.removeOrdered(userId: payload.userId, orderId: payload.orderId, lines: payload.lines.map { ($0.sku, $0.quantity) })
        default:
            self.logger.debug("Order event", metadata: ["order": "\(event.orderId)", "type": "\(event.type)"])
        }
    }
}
