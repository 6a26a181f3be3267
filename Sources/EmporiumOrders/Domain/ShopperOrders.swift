import EmporiumCore
import Logging

/// A shopper's side of orders, as the public API and the gRPC API both serve it: checkout
/// (its outcome counted in `orders_checkouts_total{outcome}`), the shopper's orders newest
/// first behind signed cursors, one order only for its owner (or an admin), and cancel.
/// Each edge checks its input's shape and turns answers into its own; the rules live here.
struct ShopperOrders: Sendable {
    let saga: CheckoutSaga
    /// `orders_checkouts_total{outcome}`.
    let checkouts: CounterFamily
    /// Signs list cursors, so a forged one is refused.
    let cursorSecrets: InstallationSecrets

    var store: OrdersStore { self.saga.store }

    /// Runs the saga for a validated address and card and counts how it ended. Errors that
    /// are not orders' own or a problem (a bug, or a step that could not finish) become
    /// `checkoutInterrupted`: the order, if any, is completed or undone by recovery.
    func checkout(userId: String, idempotencyKey: String, address: ShippingAddress, card: PaymentCard, logger: Logger) async throws -> Order {
        do {
            let order = try await self.saga.checkout(userId: userId, idempotencyKey: idempotencyKey, address: address, card: card)
            self.checkouts.increment("paid")
            return order
        } catch let error as OrdersError {
            self.checkouts.increment(error.checkoutOutcome)
            throw error
        } catch let error as any ProblemConvertible {
            self.checkouts.increment("error")
            throw error
        } catch {
            self.checkouts.increment("unfinished")
            logger.warning("Checkout could not finish", metadata: ["error": "\(String(reflecting: error))"])
            throw OrdersError.checkoutInterrupted(orderId: nil)
        }
    }

    /// The user's orders, newest first: `limit` (1–100, checked by the edge) from where
    /// `cursor` (one this list handed out, else a 400 problem) left off.
    func page(userId: String, limit: Int, cursor: String?) async throws -> (orders: [Order], nextCursor: String?) {
        let cursorKey = try await self.cursorSecrets.key(named: PageCursor.secretName)
        let before = try cursor.map { try PageCursor.decode($0, sort: "orders", signingKey: cursorKey).number ?? 0 }
        let page = try await self.store.list(userId: userId, limit: limit, beforeSeq: before)
        let next = page.nextSeq.map { PageCursor(sort: "orders", number: $0, id: "").encoded(signingKey: cursorKey) }
        return (page.items, next)
    }

    /// The order if `userId` owns it or the caller is an admin; otherwise `notFound`,
    /// whether or not it exists (another user's order is never revealed).
    func visibleOrder(id: String, userId: String, isAdmin: Bool) async throws -> Order {
        guard id.utf8.count <= 128, let order = try await self.store.order(id: id), order.userId == userId || isAdmin else {
            throw OrdersError.notFound(orderId: id)
        }
        return order
    }

    /// Cancels a paid order (refund, stock back); a step that cannot finish now is
    /// `cancellationInterrupted` (it finishes automatically).
    func cancel(_ order: Order, logger: Logger) async throws -> Order {
        do {
            return try await self.saga.cancel(order)
        } catch let error as OrdersError {
            throw error
        } catch {
            logger.warning("Cancel could not finish", metadata: ["order": "\(order.id)", "error": "\(String(reflecting: error))"])
            throw OrdersError.cancellationInterrupted(orderId: order.id)
        }
    }
}
