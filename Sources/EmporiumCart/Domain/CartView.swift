public import EmporiumCore

/// A cart as the API shows it: lines priced from the catalog's current prices, totals in
/// integer minor units. `itemCount` counts units, not lines.
public struct CartView: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var sku: String
        public var productId: String
        public var name: String
        public var unitPrice: Money
        public var quantity: Int
        public var lineTotal: Money
    }

    public var items: [Item]
    public var itemCount: Int
    public var subtotal: Money

    public init(items: [Item], currency: String) {
        self.items = items
        self.itemCount = items.reduce(0) { $0 + $1.quantity }
        self.subtotal = Money(amount: items.reduce(0) { $0 + $1.lineTotal.amount }, currency: currency)
    }
}

/// A stored cart line: the SKU and how many. Names and prices are never stored: they are
/// read from the catalog each time, so the cart always shows what checkout will charge.
public struct CartLine: Sendable, Equatable {
    public var sku: String
    public var quantity: Int
}

public enum CartRules {
    public static let maxLineQuantity = 99
    public static let maxLines = 100
}
