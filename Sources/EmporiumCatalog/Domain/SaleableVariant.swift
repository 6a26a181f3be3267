public import EmporiumCore

/// A SKU as a cart line or an order sees it: names, current price, and whether it may still
/// be sold (archived products and variants dropped from a product are kept but cannot be).
public struct SaleableVariant: Sendable, Equatable {
    public var sku: String
    public var productId: String
    public var productName: String
    public var variantName: String
    public var price: Money
    public var archived: Bool
}
