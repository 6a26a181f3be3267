public import EmporiumCore

/// The cart's errors as HTTP answers them: the one table.
extension CartError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .unknownSku(let sku):
            .validation(field: "sku", "no such SKU in the catalog: \(sku)")
        case .skuNotSold(let sku):
            .validation(field: "sku", "\(sku) is no longer sold")
        case .lineOverLimit:
            .validation(field: "quantity", "a line holds at most \(CartRules.maxLineQuantity) units")
        case .tooManyLines:
            .validation(field: "sku", "a cart holds at most \(CartRules.maxLines) different SKUs")
        case .notInCart(let sku):
            .notFound("\(sku) is not in your cart.")
        }
    }
}
