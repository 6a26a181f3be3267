public import EmporiumCore
public import Foundation

/// A payment's life: `authorized → captured → refunded`, `authorized → voided`, or
/// `failed` when the card was declined. Every transition is recorded as an event.
public enum PaymentStatus: String, Sendable, Codable {
    case authorized, captured, voided, refunded, failed
}

public struct PaymentEvent: Sendable, Codable, Equatable {
    public var type: String
    public var amount: Money
    public var at: Date
}

/// A payment as the admin API shows it; the card is only `brand` and `last4`.
public struct Payment: Sendable, Codable, Equatable {
    public var id: String
    public var orderId: String
    public var status: PaymentStatus
    public var amount: Money
    public var brand: String
    public var last4: String
    public var declineCode: String?
    public var events: [PaymentEvent]
}
