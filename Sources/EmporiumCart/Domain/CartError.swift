/// What the cart refuses, thrown by `Carts`. The HTTP edge answers each case with a problem
/// in one table (`HTTP/CartError+Problem.swift`).
public enum CartError: Error, Sendable, Equatable {
    /// The catalog has no such SKU.
    case unknownSku(String)
    /// The catalog knows the SKU but no longer sells it.
    case skuNotSold(String)
    /// The line would hold more than `CartRules.maxLineQuantity` units.
    case lineOverLimit
    /// The cart would hold more than `CartRules.maxLines` different SKUs.
    case tooManyLines
    /// A change to a line the cart does not have.
    case notInCart(String)
}
