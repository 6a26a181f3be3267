/// Cart as the storefront changes it, for a shopper whose token it verified. Each answers
/// the cart after the change; INVALID_ARGUMENT for an unknown or unsold SKU or a bad
/// quantity, NOT_FOUND for a SKU not in the cart.
public protocol CartEditing: Sendable {
    func add(userId: String, sku: String, quantity: Int) async throws -> PricedCart
    /// 0 removes the line.
    func setQuantity(userId: String, sku: String, quantity: Int) async throws -> PricedCart
    func remove(userId: String, sku: String) async throws -> PricedCart
}
