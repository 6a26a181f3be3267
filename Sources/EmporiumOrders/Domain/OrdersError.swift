public import EmporiumCore

/// What orders refuses, and every way a checkout ends without a paid order, thrown by the
/// checkout saga and the order rules. The HTTP edge answers each case with a problem in one
/// table (`HTTP/OrdersError+Problem.swift`).
public enum OrdersError: Error, Sendable, Equatable {
    /// Fields of a checkout that break the rules (shipping address, card).
    case invalid([FieldError])
    case emptyCart
    /// These SKUs lack stock or are no longer sold; nothing was reserved or charged.
    case outOfStock([String])
    /// The Idempotency-Key's checkout ended just as this one started; a retry finds it.
    case keyJustReleased
    /// Another request (or recovery) is driving this key's order right now.
    case inFlight(orderId: String)
    /// The card was declined (`code`); the order ended failed, nothing was charged.
    case declined(orderId: String, code: String)
    /// The checkout ended failed because a service it needs was unavailable; nothing charged.
    case checkoutFailed(orderId: String)
    /// The checkout is still finishing (its driver lost the order mid-way).
    case checkoutPending(orderId: String)
    /// A step could not be done now; recovery completes or undoes the order (nil: it was
    /// interrupted before an order existed).
    case checkoutInterrupted(orderId: String?)
    /// An order another process was driving could not be read back: a bug, not the caller's fault.
    case lostOrder(orderId: String)
    case notFound(orderId: String)
    /// Only a paid order can be cancelled; this one is `status`.
    case notCancellable(status: String)
    case alreadyCancelling
    /// A cancellation step could not be done now; it finishes automatically.
    case cancellationInterrupted(orderId: String)
    /// Only a paid order can be shipped.
    case notShippable(status: String, cancelling: Bool)

    /// The `orders_checkouts_total{outcome}` label of a checkout that ended this way.
    public var checkoutOutcome: String {
        switch self {
        case .emptyCart: "empty_cart"
        case .outOfStock: "out_of_stock"
        case .inFlight: "in_flight"
        case .declined(_, let code): code
        case .checkoutFailed, .checkoutPending, .checkoutInterrupted: "unfinished"
        case .invalid, .keyJustReleased, .lostOrder, .notFound, .notCancellable, .alreadyCancelling, .cancellationInterrupted, .notShippable: "error"
        }
    }
}
