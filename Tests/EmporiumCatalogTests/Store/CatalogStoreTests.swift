@testable import EmporiumCatalog
import EmporiumDemo
import EmporiumCore
import EmporiumTesting
import Foundation
import Logging
import Testing
import HTTPTypes
import Hummingbird
import NIOCore

/// The store against real SQLite and real PostgreSQL.
@Suite struct CatalogStoreTests {
    static func withStore(_ kind: TestDatabaseKind, seeded: Bool = false, _ body: @Sendable (SQLCatalogStore) async throws -> Void) async throws {
        _ = try await TestDatabase.with(kind) { database in
            try await Migrator.migrate(database, service: "catalog", migrations: CatalogMigrations.all, logger: Logger(label: "test"))
            let store = SQLCatalogStore(database: database)
            if seeded {
                try await DemoSeeder.seedIfEmpty(store, logger: Logger(label: "test"))
            }
            try await body(store)
        }
    }

    static func variant(_ sku: String, _ amount: Int = 1000) -> VariantDraft {
        VariantDraft(sku: sku, name: sku, price: Money(amount: amount, currency: "USD"), attributes: ["size": "M"])
    }

    static func draft(_ name: String, category: String, skus: [String], amount: Int = 1000, description: String = "A thing.") -> ProductDraft {
        ProductDraft(
            name: name,
            slug: Slug.derive(from: name),
            description: description,
            categoryId: category,
            imageUrl: nil,
            variants: skus.map { variant($0, amount) }
        )
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func migrationsAreIdempotent(_ kind: TestDatabaseKind) async throws {
        _ = try await TestDatabase.with(kind) { database in
            for _ in 0..<2 {
                try await Migrator.migrate(database, service: "catalog", migrations: CatalogMigrations.all, logger: Logger(label: "test"))
            }
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func pagingVisitsEveryProductExactlyOnceInEverySort(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind, seeded: true) { store in
            let expected = DemoCatalog.products().count
            for sort in ProductSort.allCases {
                for limit in [1, 7, 20, 100] where !(limit == 1 && sort != .name) {
                    var seen: [String] = []
                    var cursor: PageCursor?
                    repeat {
                        let page = try await store.listProducts(ProductQuery(sort: sort, limit: limit, after: cursor))
                        #expect(page.items.count <= limit)
                        seen += page.items.map(\.id)
                        cursor = page.next
                    } while cursor != nil
                    #expect(seen.count == expected, "sort \(sort) limit \(limit)")
                    #expect(Set(seen).count == expected, "duplicates with sort \(sort) limit \(limit)")
                }
            }
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func sortsOrderAsDocumented(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind, seeded: true) { store in
            let byName = try await store.listProducts(ProductQuery(sort: .name, limit: 100)).items
            #expect(byName.map { $0.name.lowercased() } == byName.map { $0.name.lowercased() }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            let byPrice = try await store.listProducts(ProductQuery(sort: .price, limit: 100)).items.map(\.price.amount)
            #expect(byPrice == byPrice.sorted())
            let byPriceDescending = try await store.listProducts(ProductQuery(sort: .priceDescending, limit: 100)).items.map(\.price.amount)
            #expect(byPriceDescending == byPriceDescending.sorted(by: >))
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func newestIsExactCreationOrderEvenWithinOneInstant(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind) { store in
            let category = try await store.createCategory(slug: "things", name: "Things", now: Date())
            let instant = Date(timeIntervalSince1970: 1_800_000_000)
            var created: [String] = []
            for index in 0..<5 {
                created.append(try await store.createProduct(Self.draft("Thing \(index)", category: category.id, skus: ["T-\(index)"]), now: instant).id)
            }
            let newest = try await store.listProducts(ProductQuery(sort: .newest, limit: 10)).items.map(\.id)
            #expect(newest == created.reversed())
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func searchIsCaseInsensitiveUnicodeAwareAndLiteral(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind) { store in
            let category = try await store.createCategory(slug: "things", name: "Things", now: Date())
            _ = try await store.createProduct(Self.draft("Crème Brûlée Torch", category: category.id, skus: ["A"]), now: Date())
            _ = try await store.createProduct(Self.draft("Sale Mug", category: category.id, skus: ["B"], description: "Now 50% off"), now: Date())
            _ = try await store.createProduct(Self.draft("Plain Mug", category: category.id, skus: ["C"], description: "Now 50 off"), now: Date())
            _ = try await store.createProduct(Self.draft("Snake_Case Mug", category: category.id, skus: ["D"]), now: Date())
            func names(_ q: String) async throws -> [String] {
                try await store.listProducts(ProductQuery(search: q, limit: 100)).items.map(\.name)
            }
            #expect(try await names("CRÈME") == ["Crème Brûlée Torch"])
            #expect(try await names("brûlée") == ["Crème Brûlée Torch"])
            #expect(try await names("50%") == ["Sale Mug"])
            #expect(try await names("e_c") == ["Snake_Case Mug"])
            #expect(try await names("mug").count == 3)
            #expect(try await names("' OR 1=1 --").isEmpty)
            #expect(try await names("%").count == 1)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func categoriesCountListedProductsAndFilter(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind) { store in
            let mugs = try await store.createCategory(slug: "mugs", name: "Mugs", now: Date())
            let pans = try await store.createCategory(slug: "pans", name: "Pans", now: Date())
            let mug = try await store.createProduct(Self.draft("Mug", category: mugs.id, skus: ["M1"]), now: Date())
            _ = try await store.createProduct(Self.draft("Mug Two", category: mugs.id, skus: ["M2"]), now: Date())
            _ = try await store.createProduct(Self.draft("Pan", category: pans.id, skus: ["P1"]), now: Date())
            #expect(try await store.archiveProduct(id: mug.id, now: Date()))
            let counts = Dictionary(uniqueKeysWithValues: try await store.listCategories().map { ($0.slug, $0.productCount) })
            #expect(counts == ["mugs": 1, "pans": 1])
            let listed = try await store.listProducts(ProductQuery(categoryId: mugs.id, limit: 100)).items.map(\.name)
            #expect(listed == ["Mug Two"])
            #expect(try await store.category(idOrSlug: "pans")?.id == pans.id)
            #expect(try await store.category(idOrSlug: pans.id)?.slug == "pans")
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func conflictsAndUnknownCategory(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind) { store in
            let category = try await store.createCategory(slug: "mugs", name: "Mugs", now: Date())
            await #expect(throws: CatalogError.self) { try await store.createCategory(slug: "mugs", name: "Again", now: Date()) }
            _ = try await store.createProduct(Self.draft("Mug", category: category.id, skus: ["M1"]), now: Date())
            let takenSlug = await #expect(throws: CatalogError.self) {
                try await store.createProduct(Self.draft("Mug", category: category.id, skus: ["M9"]), now: Date())
            }
            #expect(takenSlug?.problem.status == .conflict)
            let takenSKU = await #expect(throws: CatalogError.self) {
                try await store.createProduct(Self.draft("Other", category: category.id, skus: ["M1"]), now: Date())
            }
            #expect(takenSKU?.problem.status == .conflict)
            #expect(takenSKU?.problem.extensions["skus"] == .strings(["M1"]))
            let unknown = await #expect(throws: CatalogError.self) {
                try await store.createProduct(Self.draft("Lost", category: "cat_nope", skus: ["L1"]), now: Date())
            }
            #expect(unknown?.problem.status == .unprocessableContent)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func updateReplacesVariantsAndArchiveHides(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind) { store in
            let category = try await store.createCategory(slug: "mugs", name: "Mugs", now: Date())
            let mug = try await store.createProduct(Self.draft("Mug", category: category.id, skus: ["M1", "M2"]), now: Date())
            var draft = Self.draft("Mug Deluxe", category: category.id, skus: ["M2", "M3"], amount: 1500)
            draft.variants[1].price = Money(amount: 1200, currency: "USD")
            let updated = try #require(try await store.updateProduct(id: mug.id, draft, now: Date()))
            #expect(updated.variants.map(\.sku) == ["M2", "M3"])
            #expect(updated.price.amount == 1200)
            #expect(updated.slug == "mug-deluxe")
            // A retired SKU stays reserved: another product cannot take it.
            await #expect(throws: CatalogError.self) {
                try await store.createProduct(Self.draft("Other", category: category.id, skus: ["M1"]), now: Date())
            }
            #expect(try await store.archiveProduct(id: mug.id, now: Date()))
            #expect(try await store.product(id: mug.id) == nil)
            #expect(try await store.archiveProduct(id: mug.id, now: Date()) == false)
            #expect(try await store.updateProduct(id: mug.id, draft, now: Date()) == nil)
            // Archiving frees the slug for a new product.
            _ = try await store.createProduct(Self.draft("Mug Deluxe", category: category.id, skus: ["N1"]), now: Date())
        }
    }
}
