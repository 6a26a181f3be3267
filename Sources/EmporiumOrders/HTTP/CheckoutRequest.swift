import EmporiumCore

/// `POST /api/v1/orders`'s body. Types are checked by decoding (wrong type → 400); values by
/// `validated()` (→ 422 naming every bad field).
struct CheckoutRequest: Decodable {
    struct Payment: Decodable {
        var card: Card
    }

    struct Card: Decodable {
        var number: String
        var expMonth: Int
        var expYear: Int
        var cvc: String
    }

    var shippingAddress: ShippingAddress
    var payment: Payment

    /// The trimmed address and the card, or every invalid field of both at once.
    func validated() throws -> (ShippingAddress, PaymentCard) {
        let card = self.payment.card
        return try CheckoutInput.validated(
            address: self.shippingAddress, number: card.number, expMonth: card.expMonth, expYear: card.expYear, cvc: card.cvc,
            addressPrefix: "shippingAddress.", cardPrefix: "payment.card."
        )
    }
}
