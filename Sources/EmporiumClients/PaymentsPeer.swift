public import EmporiumCore
public import Foundation

/// Payments as checkout uses it. Authorize is idempotent by order id, the rest by payment
/// id, so retrying one is safe. A payment in a state the call cannot move it from (voiding
/// a captured one) fails with gRPC's FAILED_PRECONDITION, an unknown one with NOT_FOUND, and
/// a card payments refuses to send to the processor with INVALID_ARGUMENT, as payments
/// answers them.
public protocol PaymentsPeer: Sendable {
    /// Authorizes `amount` on `card` for the order; a second call for the order answers its
    /// first payment without charging again. A declined card is a `failed` payment, not an error.
    func authorize(orderId: String, amount: Money, card: CardDetails) async throws -> PaymentOutcome
    /// authorized → captured.
    func capture(paymentId: String) async throws -> PaymentOutcome
    /// authorized → voided.
    func void(paymentId: String) async throws -> PaymentOutcome
    /// Voids the order's payment, or, if it has none, records a voided one so a late
    /// Authorize for the order holds nothing: the compensation for an authorization whose
    /// outcome is unknown.
    func void(orderId: String) async throws -> PaymentOutcome
    /// captured → refunded.
    func refund(paymentId: String) async throws -> PaymentOutcome
    /// The order's payment as it stands.
    func payment(orderId: String) async throws -> PaymentOutcome
}

/// A card as checkout passes it on, unchecked here: payments validates it again before any
/// processor call. Never printed whole.
public struct CardDetails: Sendable, Equatable, CustomStringConvertible {
    public var number: String
    public var expMonth: Int
    public var expYear: Int
    public var cvc: String

    public init(number: String, expMonth: Int, expYear: Int, cvc: String) {
        self.number = number
        self.expMonth = expMonth
        self.expYear = expYear
        self.cvc = cvc
    }

    public init(_ card: PaymentCard) {
        self.init(number: card.number, expMonth: card.expMonth, expYear: card.expYear, cvc: card.cvc)
    }

    public var description: String { "card ending \(self.number.suffix(4))" }
}

/// An order's payment as payments answers every call: where it stands after the step, the
/// amount in minor units of `currency`, and its history.
public struct PaymentOutcome: Sendable, Equatable {
    /// The names payments and the orders API use (`rawValue`).
    public enum Status: String, Sendable, Equatable {
        case authorized, captured, voided, refunded
        /// Declined, or the processor failed: `declineCode` says which.
        case failed
    }

    public struct Event: Sendable, Equatable {
        public var type: String
        public var amount: Int
        public var at: Date

        public init(type: String, amount: Int, at: Date) {
            self.type = type
            self.amount = amount
            self.at = at
        }
    }

    public var id: String
    public var orderId: String
    public var status: Status
    public var amount: Int
    public var currency: String
    public var brand: String
    public var last4: String
    /// Why a `failed` payment failed (`card_declined`, `insufficient_funds`, `processing_error`).
    public var declineCode: String?
    public var events: [Event]

    public init(
        id: String, orderId: String, status: Status, amount: Int, currency: String, brand: String, last4: String,
        declineCode: String? = nil, events: [Event] = []
    ) {
        self.id = id
        self.orderId = orderId
        self.status = status
        self.amount = amount
        self.currency = currency
        self.brand = brand
        self.last4 = last4
        self.declineCode = declineCode
        self.events = events
    }
}
