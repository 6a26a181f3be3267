public import EmporiumClients
public import EmporiumCore
import EmporiumPayments
import Foundation
import GRPCCore
import Synchronization

/// Payments in memory, with the real service's rules: the card validated again, the answer
/// from the built-in `CardProcessor` (so API.md's test cards decline as they do for real, a
/// processor that keeps failing ends `processing_error`); Authorize idempotent by order, the
/// moves idempotent by payment and refused (FAILED_PRECONDITION) from the wrong state; every
/// move recorded as an event, so a test can count captures.
public final class InMemoryPayments: PaymentsPeer {
    private struct State {
        var payments: [String: PaymentOutcome] = [:]
        var byOrder: [String: String] = [:]
    }

    private let processor = CardProcessor()
    private let state = Mutex(State())

    public init() {}

    public func authorize(orderId: String, amount: Money, card: CardDetails) async throws -> PaymentOutcome {
        if let existing = self.existing(orderId: orderId) { return existing }
        let validated = PaymentCard.validate(number: card.number, expMonth: card.expMonth, expYear: card.expYear, cvc: card.cvc)
        guard case .success(let valid) = validated else {
            throw RPCError(code: .invalidArgument, message: "Invalid card.")
        }
        var declineCode: String?
        do {
            if case .declined(let code) = try await self.processor.authorize(valid, amount: amount) {
                declineCode = code
            }
        } catch is CardProcessor.TransientFailure {
            // The real service retries a few times; this processor fails every time.
            declineCode = "processing_error"
        }
        let status: PaymentOutcome.Status = declineCode == nil ? .authorized : .failed
        let payment = PaymentOutcome(
            id: Identifier.make(prefix: "pay"), orderId: orderId, status: status, amount: amount.amount, currency: amount.currency,
            brand: valid.brand.rawValue, last4: valid.last4, declineCode: declineCode,
            events: [PaymentOutcome.Event(type: status.rawValue, amount: amount.amount, at: Date())]
        )
        return self.state.withLock { state in
            // A concurrent Authorize for the order got there first: its payment stands.
            if let id = state.byOrder[orderId], let first = state.payments[id] { return first }
            state.payments[payment.id] = payment
            state.byOrder[orderId] = payment.id
            return payment
        }
    }

    public func capture(paymentId: String) async throws -> PaymentOutcome {
        try self.move(paymentId, from: .authorized, to: .captured)
    }

    public func void(paymentId: String) async throws -> PaymentOutcome {
        try self.move(paymentId, from: .authorized, to: .voided)
    }

    public func void(orderId: String) async throws -> PaymentOutcome {
        let placed = self.state.withLock { state -> String in
            if let id = state.byOrder[orderId] { return id }
            // No payment yet: a voided placeholder, so a late Authorize holds nothing.
            let placeholder = PaymentOutcome(
                id: Identifier.make(prefix: "pay"), orderId: orderId, status: .voided, amount: 0, currency: "XXX",
                brand: "unknown", last4: "", events: [PaymentOutcome.Event(type: "voided", amount: 0, at: Date())]
            )
            state.payments[placeholder.id] = placeholder
            state.byOrder[orderId] = placeholder.id
            return placeholder.id
        }
        return try self.move(placed, from: .authorized, to: .voided)
    }

    public func refund(paymentId: String) async throws -> PaymentOutcome {
        try self.move(paymentId, from: .captured, to: .refunded)
    }

    public func payment(orderId: String) async throws -> PaymentOutcome {
        guard let payment = self.existing(orderId: orderId) else {
            throw RPCError(code: .notFound, message: "No such payment.")
        }
        return payment
    }

    /// Every payment taken so far, for assertions.
    public var all: [PaymentOutcome] {
        self.state.withLock { Array($0.payments.values) }
    }

    private func existing(orderId: String) -> PaymentOutcome? {
        self.state.withLock { state in state.byOrder[orderId].flatMap { state.payments[$0] } }
    }

    /// `from` → `to` with an event; already at `to` is a no-op; anything else is refused.
    private func move(_ id: String, from: PaymentOutcome.Status, to: PaymentOutcome.Status) throws -> PaymentOutcome {
        try self.state.withLock { state in
            guard var payment = state.payments[id] else {
                throw RPCError(code: .notFound, message: "No payment \(id).")
            }
            if payment.status == to { return payment }
            guard payment.status == from else {
                throw RPCError(code: .failedPrecondition, message: "Payment \(id) is \(payment.status.rawValue).")
            }
            payment.status = to
            payment.events.append(PaymentOutcome.Event(type: to.rawValue, amount: payment.amount, at: Date()))
            state.payments[id] = payment
            return payment
        }
    }
}
