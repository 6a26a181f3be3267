public import Foundation
public import HummingbirdTesting
import HTTPTypes
import NIOCore
import Testing

/// Categories and products, created through the catalog's admin API.
public enum Products {
    /// A product's create body: one variant per SKU, each named `variantName` (the SKU when
    /// nil) and priced `amount` US cents.
    public static func body(
        category: String, name: String = "Test Mug", skus: [String] = ["MUG-1"], amount: Int = 1299, variantName: String? = nil
    ) -> [String: Any] {
        [
            "name": name,
            "description": "A mug for tests.",
            "categoryId": category,
            "imageUrl": "https://images.example/mug.jpg",
            "variants": skus.map { ["sku": $0, "name": variantName ?? $0, "price": ["amount": amount, "currency": "USD"], "attributes": ["colour": "blue"]] },
        ]
    }

    /// A slug no other test category has.
    public static func uniqueSlug() -> String {
        "c-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// An SKU no other test product has.
    public static func uniqueSKU() -> String {
        "SKU-" + UUID().uuidString.prefix(8)
    }
}

extension TestClientProtocol {
    /// Creates a category as admin (it must be a 201); returns its id.
    public func createCategory(slug: String = Products.uniqueSlug(), name: String = "Things") async throws -> String {
        try await self.execute(uri: "/api/v1/categories", method: .post, headers: TestUser.admin, body: .json(["slug": slug, "name": name])) {
            #expect($0.status == .created, "\(String(buffer: $0.body))")
            return try $0.decode(API.Category.self).id
        }
    }

    /// Creates a product with these SKUs (priced `amount` each, variants named `variantName`)
    /// in a new category, as admin (it must be a 201); returns its id.
    @discardableResult
    public func createProduct(skus: [String], amount: Int = 1250, name: String = "Test Mug", variantName: String = "Blue") async throws -> String {
        let category = try await self.createCategory()
        let body = Products.body(category: category, name: name, skus: skus, amount: amount, variantName: variantName)
        return try await self.execute(uri: "/api/v1/products", method: .post, headers: TestUser.admin, body: .json(body)) {
            #expect($0.status == .created, "\(String(buffer: $0.body))")
            return try $0.decode(API.Product.self).id
        }
    }

    /// Sets an SKU's stock on hand as admin (it must be a 200).
    public func setStock(_ sku: String, onHand: Int) async throws {
        let set = try await self.execute(uri: "/api/v1/inventory/\(sku)", method: .put, headers: TestUser.admin, body: .json(["onHand": onHand])) { $0 }
        #expect(set.status == .ok)
    }

    /// A new product with one SKU (unique per call) priced `amount`, with `stock` on hand;
    /// returns the SKU.
    public func createSKU(stock: Int, amount: Int = 1250) async throws -> String {
        let sku = Products.uniqueSKU()
        try await self.createProduct(skus: [sku], amount: amount, name: "Product \(sku)")
        try await self.setStock(sku, onHand: stock)
        return sku
    }
}
