@testable import EmporiumCart
import EmporiumClients
import EmporiumCore
import EmporiumTesting
import Logging
import Testing

/// The cart façade against an in-memory catalog, with a real cart store on SQLite: prices
/// and names come from the catalog at every read, in one batched lookup, and SKUs the
/// catalog stops selling drop out of what checkout sees.
@Suite struct CartsFakeCatalogTests {
    static let mug = CatalogVariant(sku: "MUG-1", productId: "prod_mug", productName: "Mug", variantName: "Blue", priceAmount: 1250, currency: "USD")
    static let pen = CatalogVariant(sku: "PEN-1", productId: "prod_pen", productName: "Pen", variantName: "", priceAmount: 199, currency: "USD")

    static func with(_ body: @escaping @Sendable (Carts, InMemoryCatalog) async throws -> Void) async throws {
        _ = try await TestDatabase.with(.sqlite) { database in
            try await Migrator.migrate(database, service: "cart", migrations: CartMigrations.all, logger: Logger(label: "test"))
            let catalog = InMemoryCatalog([Self.mug, Self.pen])
            try await body(Carts(store: CartStore(database: database), catalog: catalog), catalog)
        }
    }

    @Test func linesArePricedNowWithOneLookupPerRead() async throws {
        try await Self.with { carts, catalog in
            #expect(try await carts.add(userId: "u1", sku: "MUG-1", quantity: 2) == CartView(items: [
                CartView.Item(sku: "MUG-1", productId: "prod_mug", name: "Mug – Blue", unitPrice: Money(amount: 1250, currency: "USD"), quantity: 2, lineTotal: Money(amount: 2500, currency: "USD")),
            ], currency: "USD"))
            _ = try await carts.add(userId: "u1", sku: "PEN-1", quantity: 3)
            let lookupsBefore = catalog.lookups.count
            var repriced = Self.mug
            repriced.priceAmount = 1000
            catalog.put(repriced)
            let view = try await carts.view(userId: "u1")
            #expect(catalog.lookups.count == lookupsBefore + 1)
            #expect(Set(catalog.lookups.last ?? []) == ["MUG-1", "PEN-1"])
            #expect(view.items.map(\.name) == ["Mug – Blue", "Pen"])
            #expect(view.itemCount == 5 && view.subtotal == Money(amount: 2 * 1000 + 3 * 199, currency: "USD"))
        }
    }

    @Test func onlySkusTheCatalogSellsCanBeAdded() async throws {
        try await Self.with { carts, catalog in
            await #expect(throws: CartError.unknownSku("NOPE-1")) { try await carts.add(userId: "u2", sku: "NOPE-1", quantity: 1) }
            catalog.archive(sku: "PEN-1")
            await #expect(throws: CartError.skuNotSold("PEN-1")) { try await carts.add(userId: "u2", sku: "PEN-1", quantity: 1) }
            let view = try await carts.view(userId: "u2")
            #expect(view.items.isEmpty)
        }
    }

    /// A SKU archived after it was added stays in the cart, but checkout sees it as
    /// unavailable and prices only the rest.
    @Test func checkoutSeesArchivedSkusAsUnavailable() async throws {
        try await Self.with { carts, catalog in
            _ = try await carts.add(userId: "u3", sku: "MUG-1", quantity: 1)
            _ = try await carts.add(userId: "u3", sku: "PEN-1", quantity: 4)
            catalog.archive(sku: "PEN-1")
            let (view, unavailable) = try await carts.checkoutView(userId: "u3")
            #expect(unavailable == ["PEN-1"])
            #expect(view.items.map(\.sku) == ["MUG-1"] && view.subtotal.amount == 1250)
            // The public view still shows the archived line at its last price.
            #expect(try await carts.view(userId: "u3").items.map(\.sku) == ["MUG-1", "PEN-1"])
        }
    }
}
