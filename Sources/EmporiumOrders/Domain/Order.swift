public import EmporiumCore
public import Foundation

/// An order's public status, as API.md lists it.
public enum OrderStatus: String, Codable, Sendable {
    case pending, paid, shipped, cancelled, failed
}

/// Where an order's saga stands: the next thing to do. `done` means nothing is left;
/// every other step is picked up again by recovery if the process driving it dies.
public enum SagaStep: String, Sendable, CaseIterable {
    /// Order written; stock not yet reserved.
    case reserve
    /// Stock reserved (reservation id = order id); card not yet authorized.
    case authorize
    /// Authorized (`paymentId` set); reservation not yet committed.
    case commit
    /// Reservation committed; payment not yet captured.
    case capture
    /// Something failed before capture: void the authorization, release the stock, fail.
    case compensate
    /// A paid order being cancelled: refund, return the stock, then `cancelled`.
    case cancel
    case done
}

public struct OrderItem: Codable, Sendable, Equatable {
    public var sku: String
    public var productId: String
    public var name: String
    public var unitPrice: Money
    public var quantity: Int
    public var lineTotal: Money
}

public struct Order: Sendable, Equatable {
    public var id: String
    public var userId: String
    public var status: OrderStatus
    public var step: SagaStep
    /// Why a failed order failed: a card decline code (`card_declined`,
    /// `insufficient_funds`, `processing_error`) or `unavailable` (a service was down).
    public var failureCode: String?
    public var items: [OrderItem]
    public var subtotal: Money
    public var shipping: Money
    public var tax: Money
    public var total: Money
    public var shippingAddress: ShippingAddress
    public var paymentId: String?
    /// The payment's status as checkout last saw it (nil before authorization).
    public var paymentStatus: String?
    public var cardBrand: String
    public var cardLast4: String
    public var createdAt: Date
    public var updatedAt: Date
}

/// Failure codes that are the card's answer (API.md's 402 `code`); anything else is ours.
enum FailureCode {
    static let declines: Set<String> = ["card_declined", "insufficient_funds", "processing_error"]
    /// A service checkout needed was down or timed out, or a checkout was abandoned.
    static let unavailable = "unavailable"
    /// The reservation ran out before the order was paid.
    static let reservationLapsed = "reservation_expired"
}

/// The order as the API returns it.
struct OrderView: Encodable, Sendable {
    struct PaymentSummary: Encodable, Sendable {
        /// nil until the card is authorized.
        var status: String?
        var brand: String
        var last4: String
        var amount: Money

        enum CodingKeys: String, CodingKey { case status, brand, last4, amount }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.status, forKey: .status)
            try container.encode(self.brand, forKey: .brand)
            try container.encode(self.last4, forKey: .last4)
            try container.encode(self.amount, forKey: .amount)
        }
    }

    var id: String
    var status: OrderStatus
    var items: [OrderItem]
    var subtotal: Money
    var shipping: Money
    var tax: Money
    var total: Money
    var shippingAddress: ShippingAddress
    var payment: PaymentSummary
    var createdAt: Date
    var updatedAt: Date

    init(_ order: Order) {
        self.id = order.id
        self.status = order.status
        self.items = order.items
        self.subtotal = order.subtotal
        self.shipping = order.shipping
        self.tax = order.tax
        self.total = order.total
        self.shippingAddress = order.shippingAddress
        self.payment = PaymentSummary(status: order.paymentStatus, brand: order.cardBrand, last4: order.cardLast4, amount: order.total)
        self.createdAt = order.createdAt
        self.updatedAt = order.updatedAt
    }
}
