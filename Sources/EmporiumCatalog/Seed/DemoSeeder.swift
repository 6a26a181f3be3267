import EmporiumCore
import EmporiumDemo
import Foundation
import Logging

/// Loads `DemoCatalog` into an empty catalog, once: a catalog that already has categories
/// is left alone, so restarts and operator data are never touched.
enum DemoSeeder {
    static func seedIfEmpty(_ store: any CatalogStore, logger: Logger) async throws {
        guard try await store.categoryCount() == 0 else { return }
        let start = ContinuousClock.now
        let now = Date()
        var categoryIds: [String: String] = [:]
        for category in DemoCatalog.categories {
            categoryIds[category.slug] = try await store.createCategory(slug: category.slug, name: category.name, now: now).id
        }
        let products = DemoCatalog.products()
        for product in products {
            guard let categoryId = categoryIds[product.categorySlug] else { continue }
            let draft = ProductDraft(
                name: product.name,
                slug: Slug.derive(from: product.name),
                description: product.description,
                categoryId: categoryId,
                imageUrl: product.imageUrl,
                variants: product.variants.map {
                    VariantDraft(sku: $0.sku, name: $0.name, price: Money(amount: $0.priceAmount, currency: Money.defaultCurrency), attributes: $0.attributes)
                }
            )
            _ = try await store.createProduct(draft, now: now)
        }
        logger.info(
            "Seeded the demo catalog",
            metadata: ["categories": "\(categoryIds.count)", "products": "\(products.count)", "duration": "\(ContinuousClock.now - start)"]
        )
    }
}
