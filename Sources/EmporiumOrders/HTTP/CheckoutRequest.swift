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

    func validated() -> Result<(ShippingAddress, PaymentCard), Problem> {
        var errors: [FieldError] = []
        var address = self.shippingAddress
        switch self.shippingAddress.validated() {
        case .success(let clean): address = clean
        case .failure(let problem): errors += problem.errors
        }
        let card = self.payment.card
        switch PaymentCard.validate(number: card.number, expMonth: card.expMonth, expYear: card.expYear, cvc: card.cvc, fieldPrefix: "payment.card.") {
        case .success(let valid):
            return errors.isEmpty ? .success((address, valid)) : .failure(.validation(errors))
        case .failure(let invalid):
            return .failure(.validation(errors + invalid.errors))
        }
    }
}
