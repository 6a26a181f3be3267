import EmporiumCore

/// The rules for what a checkout is given besides the cart — the Idempotency-Key, the
/// shipping address and the card — in one place, for the public API and the gRPC API alike.
enum CheckoutInput {
    /// 1 to 255 visible ASCII characters: the rule the public API's Idempotency-Key header follows.
    static func isValidKey(_ key: String) -> Bool {
        IdempotencyMiddleware.isValidKey(key)
    }

    /// The trimmed address and the checked card, or `OrdersError.invalid` naming every
    /// invalid field of both at once (under the edge's own field names).
    static func validated(
        address: ShippingAddress, number: String, expMonth: Int, expYear: Int, cvc: String,
        addressPrefix: String, cardPrefix: String
    ) throws -> (ShippingAddress, PaymentCard) {
        var errors: [FieldError] = []
        var clean = address
        do {
            clean = try address.validated(fieldPrefix: addressPrefix)
        } catch OrdersError.invalid(let fields) {
            errors += fields
        }
        switch PaymentCard.validate(number: number, expMonth: expMonth, expYear: expYear, cvc: cvc, fieldPrefix: cardPrefix) {
        case .success(let card):
            guard errors.isEmpty else { throw OrdersError.invalid(errors) }
            return (clean, card)
        case .failure(let invalid):
            throw OrdersError.invalid(errors + invalid.errors)
        }
    }
}
