import EmporiumCatalog
import EmporiumClients
import EmporiumCore
import EmporiumTesting
import GRPCCore
import Testing

/// The storefront's reads over catalog's gRPC API, on the demo catalog: the same answers,
/// paging and rules as the public API.
@Suite struct CatalogBrowsingRPCTests {
    static func withCatalog(_ kind: TestDatabaseKind, _ body: @escaping @Sendable (CatalogClient) async throws -> Void) async throws {
        _ = try await TestPlatform.with(kind, services: [CatalogService.self], environment: ["EMPORIUM_SEED_DEMO": "true"]) { platform in
            try await body(try #require(platform.rpc).client(CatalogClient.self))
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func categoriesPagesAndProducts(_ kind: TestDatabaseKind) async throws {
        try await Self.withCatalog(kind) { catalog in
            let categories = try await catalog.categories()
            #expect(categories.count >= 8)
            let category = try #require(categories.first { $0.productCount > 12 })

            // Paging a category by price returns each of its products once, in price order.
            var seen: [ShelfProduct] = []
            var cursor: String?
            repeat {
                let page = try await catalog.products(ShelfQuery(category: category.slug, sort: "price", limit: 5, cursor: cursor))
                seen += page.products
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == category.productCount)
            #expect(Set(seen.map(\.id)).count == seen.count)
            #expect(seen.map(\.priceAmount) == seen.map(\.priceAmount).sorted())
            #expect(seen.allSatisfy { $0.categoryId == category.id && !$0.variants.isEmpty })

            // By slug and by id, the same product; unknown or malformed → nil.
            let first = try #require(seen.first)
            #expect(try await catalog.product(idOrSlug: first.slug) == first)
            #expect(try await catalog.product(idOrSlug: first.id) == first)
            #expect(try await catalog.product(idOrSlug: "no-such-product") == nil)

            // Search folds case; an unknown category is an empty list, not an error.
            let word = String(first.name.split(separator: " ").first ?? "")
            let found = try await catalog.products(ShelfQuery(search: word.uppercased(), limit: 100))
            #expect(found.products.contains { $0.id == first.id })
            #expect(try await catalog.products(ShelfQuery(category: "no-such-category")).products.isEmpty)
        }
    }

    @Test func badQueriesAreInvalidArguments() async throws {
        try await Self.withCatalog(.sqlite) { catalog in
            for query in [ShelfQuery(sort: "cheapest"), ShelfQuery(limit: 101), ShelfQuery(cursor: "forged.cursor"),
                          ShelfQuery(search: String(repeating: "x", count: 201))] {
                await #expect(throws: RPCError.self) { _ = try await catalog.products(query) }
                do {
                    _ = try await catalog.products(query)
                } catch let error as RPCError {
                    #expect(error.code == .invalidArgument, "\(query): \(error)")
                }
            }
            // A cursor from one sort is refused for another.
            let page = try await catalog.products(ShelfQuery(sort: "price", limit: 2))
            let cursor = try #require(page.nextCursor)
            await #expect(throws: RPCError.self) { _ = try await catalog.products(ShelfQuery(sort: "name", limit: 2, cursor: cursor)) }
        }
    }
}
