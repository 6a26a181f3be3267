/// Catalog as cart and inventory need it: what a SKU is and what it costs now.
public protocol CatalogPeer: Sendable {
    /// The SKUs catalog knows (archived ones included, flagged) by SKU, in one call; SKUs it
    /// does not know are absent.
    func variants(skus: [String]) async throws -> [String: CatalogVariant]
}

/// One sellable variant of a product, priced now: `priceAmount` in minor units of `currency`
/// (ISO 4217).
public struct CatalogVariant: Sendable, Equatable {
    public var sku: String
    public var productId: String
    public var productName: String
    public var variantName: String
    public var priceAmount: Int
    public var currency: String
    /// No longer sold: carts keep it but cannot check it out.
    public var archived: Bool

    public init(sku: String, productId: String, productName: String, variantName: String, priceAmount: Int, currency: String, archived: Bool = false) {
        self.sku = sku
        self.productId = productId
        self.productName = productName
        self.variantName = variantName
        self.priceAmount = priceAmount
        self.currency = currency
        self.archived = archived
    }
}
