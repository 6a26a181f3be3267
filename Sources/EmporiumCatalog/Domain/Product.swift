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

    /// Every member always present: a missing image is `"imageUrl": null` (API.md), not an
    /// absent key, so clients read one shape. The synthesized encoder would drop nil.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.slug, forKey: .slug)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.description, forKey: .description)
        try container.encode(self.categoryId, forKey: .categoryId)
        try container.encode(self.imageUrl, forKey: .imageUrl)
        try container.encode(self.price, forKey: .price)
        try container.encode(self.variants, forKey: .variants)
        try container.encode(self.createdAt, forKey: .createdAt)
        try container.encode(self.updatedAt, forKey: .updatedAt)
    }
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
