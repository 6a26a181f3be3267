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
struct OutboxRelay: Service {
    let store: OrdersStore
    let cart: CartClient
    let interval: Duration
    let logger: Logger
    let metrics: any MetricsFactory

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
            try await self.store.markDelivered(orderId: order.id, types: ["order.created", "order.paid"], now: Date())
            Counter(label: "orders_outbox_delivered_total", factory: self.metrics).increment(by: 2)
        } catch {
            self.logger.warning("Outbox delivery deferred", metadata: ["order": "\(order.id)", "error": "\(String(reflecting: error))"])
        }
    }

    /// Delivers pending events in order; stops at the first one that fails (it and the
    /// rest stay pending). Returns how many were pending.
    func deliverPending() async throws -> Int {
        let events = try await self.store.undelivered(limit: 100)
        var delivered: [Int] = []
        defer {
            if !delivered.isEmpty {
                Counter(label: "orders_outbox_delivered_total", factory: self.metrics).increment(by: delivered.count)
            }
        }
        for event in events {
            do {
                try await self.handle(event)
            } catch {
                try await self.store.markDelivered(delivered, now: Date())
                throw error
            }
            delivered.append(event.seq)
        }
        try await self.store.markDelivered(delivered, now: Date())
        return events.count
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
