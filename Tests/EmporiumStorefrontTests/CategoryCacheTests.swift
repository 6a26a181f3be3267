import EmporiumClients
@testable import EmporiumStorefront
import Synchronization
import Testing

/// The header's categories: fetched at most once per lifetime, kept through an outage.
@Suite struct CategoryCacheTests {
    /// A catalog that answers one category until `down`, then fails; it counts calls.
    final class FlakyCatalog: CatalogBrowsing {
        struct Down: Error {}
        let calls = Mutex(0)
        let down = Mutex(false)

        func categories() async throws -> [ShelfCategory] {
            self.calls.withLock { $0 += 1 }
            if self.down.withLock({ $0 }) { throw Down() }
            return [ShelfCategory(id: "cat_1", slug: "tops", name: "Tops", productCount: 3)]
        }

        func products(_ query: ShelfQuery) async throws -> ShelfPage { throw Down() }
        func product(idOrSlug: String) async throws -> ShelfProduct? { nil }
    }

    @Test func fetchedOncePerLifetimeAndKeptWhileCatalogIsDown() async {
        let catalog = FlakyCatalog()
        let cache = CategoryCache(catalog: catalog, lifetime: .seconds(3))
        let start = ContinuousClock.now
        await cache.refreshIfStale(now: start)
        await cache.refreshIfStale(now: start + .seconds(1))
        #expect(cache.latest.map(\.slug) == ["tops"] && catalog.calls.withLock { $0 } == 1)
        // Down: the last list stands, and the next attempt waits a lifetime.
        catalog.down.withLock { $0 = true }
        await cache.refreshIfStale(now: start + .seconds(4))
        await cache.refreshIfStale(now: start + .seconds(5))
        #expect(cache.latest.map(\.slug) == ["tops"] && catalog.calls.withLock { $0 } == 2)
        await cache.refreshIfStale(now: start + .seconds(8))
        #expect(catalog.calls.withLock { $0 } == 3)
    }
}
