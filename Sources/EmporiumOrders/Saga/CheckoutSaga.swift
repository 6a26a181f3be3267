import EmporiumClients
import EmporiumCore
import Foundation
import GRPCCore
import Logging

/// The checkout saga of ARCHITECTURE.md: reserve stock (reservation id = order id) →
/// authorize → commit the reservation → capture → `paid` → clear the cart (through the
/// outbox). Each step's outcome is recorded before the next step starts, and every remote
/// call is idempotent by order id, so whoever picks an order up — the request that
/// started it, or recovery after a crash — can repeat the step it finds and go on.
/// Before capture, any failure compensates (void, release) and ends the order `failed`;
/// after capture the saga only moves forward.
struct CheckoutSaga: Sendable {
    let store: OrdersStore
    let cart: any CartPeer
    let inventory: any InventoryPeer
    let payments: any PaymentsPeer
    let relay: OutboxRelayWorker
    let lease: Duration
    let faults: FaultInjector
    let logger: Logger

    /// Another process moved the order first; it is driving it now.
    struct Superseded: Error {}

    func leaseUntil(_ now: Date = Date()) -> Date {
        now.addingTimeInterval(Double(self.lease.components.seconds) + Double(self.lease.components.attoseconds) / 1e18)
    }

    /// Checks out the user's cart under their Idempotency-Key and answers the paid order;
    /// a key that already has an order (a retry after a crash, or after the stored response
    /// expired) gets that order. Every other end is an `OrdersError`: refused before any
    /// order (empty cart, out of stock), declined, failed, or still finishing.
    func checkout(userId: String, idempotencyKey: String, address: ShippingAddress, card: PaymentCard) async throws -> Order {
        if let existing = try await self.store.order(userId: userId, idempotencyKey: idempotencyKey) {
            let resumed = try await self.resume(existing)
            // An earlier attempt under this key was answered 503, which decides nothing (a
            // retry runs the request again, API.md). If finishing it just ended it `failed`
            // for want of a service — nothing charged, its stock back, the key given up — the
            // checkout runs again now, as the retry asks, instead of answering "failed, try
            // again" and making the shopper send it a third time.
            guard resumed.status == .failed, !FailureCode.declines.contains(resumed.failureCode ?? "") else {
                return try Self.settled(resumed)
            }
        }
        let cart = try await callingService(CartClient.peer) { try await self.cart.cart(userId: userId) }
        guard cart.unavailableSkus.isEmpty else { throw OrdersError.outOfStock(cart.unavailableSkus) }
        guard !cart.lines.isEmpty else { throw OrdersError.emptyCart }
        let currency = cart.currency
        let items = cart.lines.map { line in
            OrderItem(
                sku: line.sku,
                productId: line.productId,
                name: line.name,
                unitPrice: Money(amount: line.unitPriceAmount, currency: currency),
                quantity: line.quantity,
                lineTotal: Money(amount: line.lineTotalAmount, currency: currency)
            )
        }
        let subtotal = items.reduce(0) { $0 + $1.lineTotal.amount }
        let now = Date()
        // v1 charges no shipping or tax; the columns and the total's CHECK are ready for both.
        let order = Order(
            id: Identifier.make(prefix: "ord"),
            userId: userId,
            status: .pending,
            step: .reserve,
            failureCode: nil,
            items: items,
            subtotal: Money(amount: subtotal, currency: currency),
            shipping: Money(amount: 0, currency: currency),
            tax: Money(amount: 0, currency: currency),
            total: Money(amount: subtotal, currency: currency),
            shippingAddress: address,
            paymentId: nil,
            paymentStatus: nil,
            cardBrand: card.brand.rawValue,
            cardLast4: card.last4,
            createdAt: now,
            updatedAt: now
        )
        guard try await self.store.create(order, idempotencyKey: idempotencyKey, leaseUntil: self.leaseUntil(now)) else {
            guard let existing = try await self.store.order(userId: userId, idempotencyKey: idempotencyKey) else {
                throw OrdersError.keyJustReleased
            }
            return try Self.settled(try await self.resume(existing))
        }
        await self.faults.hit("after-create", logger: self.logger)
        return try Self.settled(try await self.drive(order, card: card))
    }

    /// A checkout's answer from where its order ended: paid (or since shipped or
    /// cancelled), or the error that says why not.
    static func settled(_ order: Order) throws -> Order {
        switch order.status {
        case .paid, .shipped, .cancelled:
            return order
        case .failed where FailureCode.declines.contains(order.failureCode ?? ""):
            throw OrdersError.declined(orderId: order.id, code: order.failureCode ?? "processing_error")
        case .failed:
            throw OrdersError.checkoutFailed(orderId: order.id)
        case .pending:
            throw OrdersError.checkoutPending(orderId: order.id)
        }
    }

    /// An order found under a reused key: finished, in someone's hands (`inFlight`), or
    /// abandoned (its lease ran out), in which case this request takes it over and finishes it.
    func resume(_ order: Order) async throws -> Order {
        guard order.step != .done else { return order }
        let now = Date()
        guard try await self.store.claim(order, now: now, leaseUntil: self.leaseUntil(now)) else { throw OrdersError.inFlight(orderId: order.id) }
        return try await self.drive(order, card: nil)
    }

    /// Drives an order from the step it is at until it is done, or a remote call it cannot
    /// do without fails (`checkoutInterrupted`; the order keeps its step for recovery).
    /// `outOfStock` when there was not the stock (the order is discarded), `inFlight` when
    /// another process took the order over. `card` is nil for an order picked up after a
    /// crash: card numbers are never stored, so such an order can only use an
    /// authorization that already exists.
    func drive(_ start: Order, card: PaymentCard?) async throws -> Order {
        var order = start
        do {
            while true {
                switch order.step {
                case .done:
                    return order
                case .reserve:
                    let reserved: Reservation
                    do {
                        reserved = try await self.inventory.reserve(id: order.id, lines: order.items.map { ($0.sku, $0.quantity) })
                    } catch {
                        order = try await self.fail(order, FailureCode.unavailable, because: error)
                        continue
                    }
                    await self.faults.hit("after-reserve", logger: self.logger)
                    switch reserved.status {
                    case .reserved:
                        order = try await self.move(order, to: .authorize)
                    case .insufficientStock:
                        guard try await self.store.discard(order) else { throw Superseded() }
                        throw OrdersError.outOfStock(reserved.insufficientSkus)
                    default:
                        // Released or expired already: a compensation got there first.
                        order = try await self.fail(order, FailureCode.unavailable, because: nil)
                    }
                case .authorize:
                    let payment: PaymentOutcome
                    do {
                        if let card {
                            payment = try await self.payments.authorize(orderId: order.id, amount: order.total, card: CardDetails(card))
                        } else {
                            payment = try await self.payments.payment(orderId: order.id)
                        }
                    } catch {
                        // Whether or not an authorization exists, compensation voids by
                        // order id, which also stops a late one from holding money.
                        order = try await self.fail(order, FailureCode.unavailable, because: error)
                        continue
                    }
                    await self.faults.hit("after-authorize", logger: self.logger)
                    switch payment.status {
                    case .authorized, .captured:
                        order = try await self.move(order, to: .commit, Changes(paymentId: payment.id, paymentStatus: "authorized"))
                    case .failed:
                        order = try await self.fail(order, payment.declineCode ?? "processing_error", because: nil)
                    case .voided, .refunded:
                        order = try await self.fail(order, FailureCode.unavailable, because: nil)
                    }
                case .commit:
                    do {
                        _ = try await self.inventory.commit(id: order.id)
                    } catch let error as RPCError where error.code == .failedPrecondition {
                        order = try await self.fail(order, FailureCode.reservationLapsed, because: error)
                        continue
                    } catch {
                        order = try await self.fail(order, FailureCode.unavailable, because: error)
                        continue
                    }
                    await self.faults.hit("after-commit", logger: self.logger)
                    // Capture follows without recording the commit first: both are idempotent,
                    // so an order found at `commit` commits again (a no-op) and captures.
                    order = try await self.capture(order)
                case .capture:
                    order = try await self.capture(order)
                case .compensate:
                    order = try await self.compensate(order)
                case .cancel:
                    order = try await self.finishCancel(order)
                }
            }
        } catch let error as OrdersError {
            throw error
        } catch is Superseded {
            // Orders are never deleted once past `reserve`, so it is there to read.
            guard let current = try await self.store.order(id: order.id) else { throw OrdersError.lostOrder(orderId: order.id) }
            guard current.step == .done else { throw OrdersError.inFlight(orderId: current.id) }
            return current
        } catch {
            self.logger.warning("Checkout step could not finish", metadata: ["order.id": "\(order.id)", "error": "\(String(reflecting: error))"])
            // Nobody drives the order now: the shopper's retry (same key) or recovery may take
            // it over at once. Holding the lease would answer every retry "still running"
            // until it ran out, long after the network or the service came back.
            try? await self.store.release(order, now: Date())
            throw OrdersError.checkoutInterrupted(orderId: order.id)
        }
    }

    typealias Changes = OrdersStore.Changes

    /// Captures the authorized payment and marks the order paid; a failed capture
    /// compensates, and compensation asks payments whether the capture happened after all
    /// (if it did, the order goes forward to paid instead).
    func capture(_ order: Order) async throws -> Order {
        do {
            _ = try await self.payments.capture(paymentId: order.paymentId ?? "")
        } catch {
            return try await self.fail(order, FailureCode.unavailable, because: error)
        }
        await self.faults.hit("after-capture", logger: self.logger)
        return try await self.paid(order)
    }

    func move(_ order: Order, to step: SagaStep, _ changes: Changes = Changes()) async throws -> Order {
        guard let moved = try await self.store.advance(order, to: step, changes, leaseUntil: self.leaseUntil()) else {
            throw Superseded()
        }
        return moved
    }

    func fail(_ order: Order, _ code: String, because error: (any Error)?) async throws -> Order {
        self.logger.warning("Checkout failed; compensating", metadata: [
            "order": "\(order.id)", "step": "\(order.step.rawValue)", "code": "\(code)", "error": "\(error.map { String(describing: $0) } ?? "-")",
        ])
        return try await self.move(order, to: .compensate, Changes(failureCode: code))
    }

    /// Captured: the order is paid (and the outbox says so, in the same transaction); then
    /// the outbox's `order.paid` is delivered at once, which empties the cart.
    func paid(_ order: Order) async throws -> Order {
        let paid = try await self.move(order, to: .done, Changes(status: .paid, paymentStatus: "captured"))
        await self.faults.hit("after-paid", logger: self.logger)
        await self.relay.deliverPaid(paid)
        return paid
    }

    /// Undoes whatever an order that will not be paid holds: voids its payment (by order
    /// id, so an authorization still on its way is voided too), gives its stock back, and
    /// ends it `failed`. If the payment turns out to be captured, the order goes forward.
    func compensate(_ order: Order) async throws -> Order {
        var paymentStatus = order.paymentStatus
        do {
            paymentStatus = try await self.payments.void(orderId: order.id).status.rawValue
        } catch let error as RPCError where error.code == .failedPrecondition {
            let payment = try await self.payments.payment(orderId: order.id)
            if payment.status == .captured {
                self.logger.notice("Compensation found the payment captured; completing the order", metadata: ["order": "\(order.id)"])
                _ = try await self.inventory.commit(id: order.id)
                return try await self.paid(self.move(order, to: .capture, Changes(paymentId: payment.id)))
            }
            paymentStatus = payment.status.rawValue
        }
        await self.faults.hit("after-void", logger: self.logger)
        do {
            _ = try await self.inventory.release(id: order.id)
        } catch let error as RPCError where error.code == .failedPrecondition {
            // Committed before the failure: put the units back on hand.
            _ = try await self.inventory.returnStock(id: order.id)
        }
        let code = order.failureCode ?? FailureCode.unavailable
        return try await self.move(
            order, to: .done,
            Changes(status: .failed, paymentStatus: paymentStatus, releaseKey: !FailureCode.declines.contains(code))
        )
    }

    /// A paid order being cancelled: refund (idempotent), return the stock, `cancelled`.
    func finishCancel(_ order: Order) async throws -> Order {
        let refunded = try await self.payments.refund(paymentId: order.paymentId ?? "")
        _ = try await self.inventory.returnStock(id: order.id)
        return try await self.move(order, to: .done, Changes(status: .cancelled, paymentStatus: refunded.status.rawValue))
    }

    /// Ships a paid order that is not moving elsewhere (being cancelled): one conditional
    /// move, with its `order.shipped` outbox row, like every other transition. nil: not
    /// paid, or another transition won (API.md: 409).
    func ship(_ order: Order) async throws -> Order {
        let notShippable = OrdersError.notShippable(status: order.status.rawValue, cancelling: order.step == .cancel)
        guard order.status == .paid, order.step == .done else { throw notShippable }
        guard let shipped = try await self.store.advance(order, to: .done, OrdersStore.Changes(status: .shipped), leaseUntil: order.updatedAt) else {
            throw notShippable
        }
        return shipped
    }

    /// Starts cancelling a paid order and drives it to `cancelled`. An order that is not
    /// paid (or is already moving elsewhere) is a conflict, as API.md answers it.
    /// Exactly one request drives a cancellation: the one whose move to `cancel` won, or
    /// one that takes over a cancellation whose lease ran out (its driver crashed). A cancel
    /// that finds another still under way is a 409, never a second 200.
    func cancel(_ order: Order) async throws -> Order {
        var current = order
        guard current.status == .paid else { throw OrdersError.notCancellable(status: current.status.rawValue) }
        switch current.step {
        case .done:
            guard let moving = try await self.store.advance(current, to: .cancel, Changes(), leaseUntil: self.leaseUntil()) else {
                throw try await self.cancelRefusal(order.id)
            }
            current = moving
        case .cancel:
            let now = Date()
            guard try await self.store.claim(current, now: now, leaseUntil: self.leaseUntil(now)) else { throw try await self.cancelRefusal(order.id) }
        default:
            throw try await self.cancelRefusal(order.id)
        }
        let done: Order
        do {
            done = try await self.drive(current, card: nil)
        } catch OrdersError.checkoutInterrupted {
            throw OrdersError.cancellationInterrupted(orderId: order.id)
        } catch OrdersError.inFlight {
            throw try await self.cancelRefusal(order.id)
        }
        guard done.status == .cancelled else { throw try await self.cancelRefusal(order.id) }
        return done
    }

    /// Why a cancel that lost its race cannot go on, from the order as it is now.
    func cancelRefusal(_ orderId: String) async throws -> OrdersError {
        let current = try await self.store.order(id: orderId)
        if let current, current.status == .paid, current.step == .cancel {
            return .alreadyCancelling
        }
        return .notCancellable(status: current?.status.rawValue ?? "gone")
    }
}
