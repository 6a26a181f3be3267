import ArgumentParser
import EmporiumCatalog
import EmporiumCore
import EmporiumDemo
import Foundation
import Logging

/// Fills an embedded data directory's catalog with `--products` products before the server
/// first starts on it (benchmarks/catalog's 100k-product catalog): the demo catalog's
/// categories, then its 277 products over and over, each copy with its own name, slug, SKUs
/// and price, written through catalog's own store so the rows are what the API would write.
/// The server then finds a catalog that is not empty and seeds nothing of its own.
struct CatalogSeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "catalog-seed")

    @Option(help: "The embedded data directory (catalog.sqlite is created in it).") var dataDir: String
    @Option(help: "How many products to write.") var products: Int = 100_000

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        try DataDirectory.prepare(self.dataDir)
        let database = try await SQLiteDatabase.open(
            path: self.dataDir + "/\(CatalogService.name).sqlite",
            name: CatalogService.name,
            metrics: MetricsRegistry().factory,
            logger: logger
        )
        var settings = CatalogService.Settings()
        settings.seedDemo = false
        let unit = try CatalogService.build(
            ServiceContext(
                database: database,
                verifier: RejectAllTokens(),
                network: RPCNetwork.inProcess(metrics: MetricsRegistry().factory, logger: logger),
                metrics: MetricsRegistry().factory,
                logger: logger
            ),
            settings: settings
        )
        try await Migrator.migrate(database, service: unit.name, migrations: unit.migrations, logger: logger)
        let store = SQLCatalogStore(database: database)
        guard try await store.categoryCount() == 0 else {
            throw ValidationError("\(self.dataDir) already has a catalog")
        }
        let start = ContinuousClock.now
        let now = Date()
        var categoryIds: [String: String] = [:]
        for category in DemoCatalog.categories {
            categoryIds[category.slug] = try await store.createCategory(slug: category.slug, name: category.name, now: now).id
        }
        let demo = DemoCatalog.products()
        for index in 0..<self.products {
            let base = demo[index % demo.count]
            guard let categoryId = categoryIds[base.categorySlug] else { continue }
            _ = try await store.createProduct(Self.copy(base, number: index / demo.count, categoryId: categoryId), now: now)
        }
        print("catalog-seed: \(self.products) products in \(ContinuousClock.now - start)")
        try await database.close()
    }

    /// Copy `number` of a demo product (copy 0 is the product itself): a distinct name,
    /// slug and SKUs, and a price moved by a few per cent so the price sorts interleave.
    static func copy(_ product: DemoProduct, number: Int, categoryId: String) -> ProductDraft {
        let suffix = number == 0 ? "" : " No. \(number + 1)"
        let name = product.name + suffix
        let cents = (number * 37) % 500
        return ProductDraft(
            name: name,
            slug: Slug.derive(from: name),
            description: product.description,
            categoryId: categoryId,
            imageUrl: product.imageUrl,
            variants: product.variants.map {
                VariantDraft(
                    sku: number == 0 ? $0.sku : "\($0.sku)-\(number + 1)",
                    name: $0.name,
                    price: Money(amount: $0.priceAmount + cents, currency: Money.defaultCurrency),
                    attributes: $0.attributes
                )
            }
        )
    }
}
