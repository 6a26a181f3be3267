public import EmporiumCore
import HTTPTypes

/// Orders' errors as HTTP answers them: the one table (API.md's checkout and order answers).
extension OrdersError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .invalid(let errors):
            return .validation(errors)
        case .emptyCart:
            return .validation(field: "cart", "Your cart is empty.")
        case .outOfStock(let skus):
            return Problem(
                status: .conflict, slug: "out-of-stock", title: "Out of stock",
                detail: "Not enough stock, or no longer sold: \(skus.joined(separator: ", ")). Nothing was reserved or charged.",
                extensions: ["skus": .strings(skus)]
            )
        // Both say "not yet": Retry-After, and the idempotency middleware does not keep them
        // as the key's answer (the retry gets the checkout's real outcome).
        case .keyJustReleased:
            var problem = Problem.conflict("This Idempotency-Key is in use by a checkout that just ended; try again.")
            problem.headers[.retryAfter] = "1"
            return problem
        case .inFlight(let orderId):
            return Problem(
                status: .conflict, slug: "conflict", title: "Conflict",
                detail: "A checkout with this Idempotency-Key is still running.", headers: [.retryAfter: "1"], extensions: ["orderId": .string(orderId)]
            )
        case .declined(let orderId, let code):
            return Problem(
                status: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), slug: "payment-declined", title: "Payment declined",
                detail: Self.declineDetail(code),
                extensions: ["orderId": .string(orderId), "code": .string(code)]
            )
        case .checkoutFailed(let orderId):
            return Self.unavailable(
                "Checkout failed because a service it needs was unavailable; nothing was charged and your cart is kept. Try again.", orderId: orderId
            )
        case .checkoutPending(let orderId):
            return Self.unavailable("Checkout is still finishing; it will be completed or undone automatically. Try again shortly.", orderId: orderId)
        case .checkoutInterrupted(let orderId):
            return Self.unavailable(
                "Checkout could not finish because a service it needs is unavailable. It will be completed or undone automatically; try again shortly.",
                orderId: orderId
            )
        case .lostOrder:
            return .internalError
        case .notFound(let orderId):
            return .notFound("No order \(orderId).")
        case .notCancellable(let status):
            return .conflict("Only a paid order can be cancelled; this one is \(status).")
        case .alreadyCancelling:
            return .conflict("This order is already being cancelled.")
        case .cancellationInterrupted:
            return .serviceUnavailable("The cancellation is under way and will finish automatically; try again shortly.", retryAfterSeconds: 2)
        case .notShippable(let status, let cancelling):
            return .conflict("Only a paid order can be shipped; this one is \(status)\(cancelling ? " (being cancelled)" : "").")
        }
    }

    static func unavailable(_ detail: String, orderId: String?) -> Problem {
        var problem = Problem.serviceUnavailable(detail, retryAfterSeconds: 2)
        if let orderId {
            problem.extensions["orderId"] = .string(orderId)
        }
        return problem
    }

    static func declineDetail(_ code: String) -> String {
        switch code {
        case "card_declined": "The card was declined. Nothing was charged; your cart is kept."
        case "insufficient_funds": "The card has insufficient funds. Nothing was charged; your cart is kept."
        default: "The card processor could not complete the payment. Nothing was charged; your cart is kept."
        }
    }
}
