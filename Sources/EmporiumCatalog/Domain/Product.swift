public import EmporiumCore
public import Foundation

/// A product as the API shows it. `price` is the lowest variant price.
public struct Product: Codable, Sendable, Equatable {
    public var id: String
    public var slug: String
    public var name: String
    public var description: String
    public var categoryId: String
    public var imageUrl: String?
    public var price: Money
    public var variants: [Variant]
    public var createdAt: Date
    public var updatedAt: Date
}

/// A sellable variant (size/colour) with its own SKU and price.
public struct Variant: Codable, Sendable, Equatable {
    public var sku: String
    public var name: String
    public var price: Money
    public var attributes: [String: String]
}

public struct Category: Codable, Sendable, Equatable {
    public var id: String
    public var slug: String
    public var name: String
    public var productCount: Int
}
