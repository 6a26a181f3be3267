public import Foundation

/// Orders as the storefront uses it: checkout and a shopper's orders, for a user whose token
/// the storefront verified. Every refusal is an `OrdersRefusal`, never a gRPC status.
public protocol OrdersPeer: Sendable {
    /// Checks out the user's cart. Idempotent by (user, `idempotencyKey`): a retry answers
    /// with the first call's outcome, never a second order or charge. Throws `invalid`
    /// (address, card, key), `emptyCart`, `inFlight` (the same key is still running) or
    /// `unavailable` (checkout could not finish; nothing more was charged).
    func checkout(userId: String, idempotencyKey: String, address: ShippingDetails, card: CardDetails) async throws -> CheckoutOutcome
    /// The user's orders, newest first: `limit` (1–100) from `cursor` (one a page gave out).
    func orders(userId: String, limit: Int, cursor: String?) async throws -> ShopperOrderPage
    /// One of the user's orders; `notFound` for an unknown one or another user's.
    func order(userId: String, id: String) async throws -> ShopperOrder
    /// Cancels a paid order of the user's (refunded, stock returned); `notCancellable` for
    /// any other, `notFound` as `order`.
    func cancel(userId: String, id: String) async throws -> ShopperOrder
}

/// How a checkout ended, each an outcome a shopper can act on.
public enum CheckoutOutcome: Sendable, Equatable {
    /// Captured; the cart was emptied.
    case paid(ShopperOrder)
    /// The card was declined or failed (`card_declined`, `insufficient_funds`,
    /// `processing_error`): the order is `failed`, nothing was charged, the cart is kept.
    case declined(orderId: String, code: String)
    /// Not enough stock, or no longer sold: no order, the cart is kept.
    case outOfStock(skus: [String])
}

/// What orders refuses, as the storefront tells the shopper.
public enum OrdersRefusal: Error, Sendable, Equatable {
    /// An invalid address, card or key; the message names the fields.
    case invalid(String)
    case emptyCart
    /// A checkout with this key is still running.
    case inFlight
    /// No such order for this user.
    case notFound
    /// Only a paid order can be cancelled (or it is being cancelled already).
    case notCancellable(String)
    /// Orders, or a service checkout needs, is unavailable; try again shortly.
    case unavailable(String)

    /// The gRPC error metadata key orders sets to say which refusal an INVALID_ARGUMENT is.
    public static let metadataKey = "emporium-orders-refusal"
    /// `metadataKey`'s value for an empty cart.
    public static let emptyCartValue = "empty_cart"
}

public struct ShopperOrderPage: Sendable, Equatable {
    public var orders: [ShopperOrder]
    /// Nil on the last page.
    public var nextCursor: String?

    public init(orders: [ShopperOrder], nextCursor: String?) {
        self.orders = orders
        self.nextCursor = nextCursor
    }
}

/// Where an order goes; `country` is ISO 3166-1 alpha-2.
public struct ShippingDetails: Sendable, Equatable {
    public var name: String
    public var line1: String
    public var line2: String?
    public var city: String
    public var postalCode: String
    public var country: String

    public init(name: String, line1: String, line2: String? = nil, city: String, postalCode: String, country: String) {
        self.name = name
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.postalCode = postalCode
        self.country = country
    }
}

/// An order as its shopper sees it; amounts in minor units of `currency` (ISO 4217). The
/// card shows only as brand and last four.
public struct ShopperOrder: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var sku: String
        public var productId: String
        public var name: String
        public var unitPriceAmount: Int
        public var quantity: Int
        public var lineTotalAmount: Int

        public init(sku: String, productId: String, name: String, unitPriceAmount: Int, quantity: Int, lineTotalAmount: Int) {
            self.sku = sku
            self.productId = productId
            self.name = name
            self.unitPriceAmount = unitPriceAmount
            self.quantity = quantity
            self.lineTotalAmount = lineTotalAmount
        }
    }

    public var id: String
    /// pending, paid, shipped, cancelled or failed.
    public var status: String
    public var lines: [Line]
    public var subtotalAmount: Int
    public var shippingAmount: Int
    public var taxAmount: Int
    public var totalAmount: Int
    public var currency: String
    public var address: ShippingDetails
    /// authorized, captured, voided, refunded or failed; nil before authorization.
    public var paymentStatus: String?
    public var paymentBrand: String
    public var paymentLast4: String
    public var createdAt: Date
    public var updatedAt: Date
    /// Why a failed order failed (a decline code), or nil.
    public var failureCode: String?

    public init(
        id: String, status: String, lines: [Line], subtotalAmount: Int, shippingAmount: Int, taxAmount: Int, totalAmount: Int,
        currency: String, address: ShippingDetails, paymentStatus: String?, paymentBrand: String, paymentLast4: String,
        createdAt: Date, updatedAt: Date, failureCode: String?
    ) {
        self.id = id
        self.status = status
        self.lines = lines
        self.subtotalAmount = subtotalAmount
        self.shippingAmount = shippingAmount
        self.taxAmount = taxAmount
        self.totalAmount = totalAmount
        self.currency = currency
        self.address = address
        self.paymentStatus = paymentStatus
        self.paymentBrand = paymentBrand
        self.paymentLast4 = paymentLast4
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.failureCode = failureCode
    }
}
