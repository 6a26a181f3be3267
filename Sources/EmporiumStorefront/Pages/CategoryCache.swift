import EmporiumClients
import Synchronization

/// The categories every page's header lists, kept a few seconds, so the cart, checkout and
/// account pages show the same header as the catalog pages without asking catalog on every
/// request. When catalog cannot answer, the last list stands (a header is no reason to fail
/// a checkout page).
final class CategoryCache: Sendable {
    private struct State {
        var categories: [ShelfCategory] = []
        var fetched: ContinuousClock.Instant?
    }

    private let catalog: any CatalogBrowsing
    private let lifetime: Duration
    private let state = Mutex(State())

    init(catalog: any CatalogBrowsing, lifetime: Duration = .seconds(3)) {
        self.catalog = catalog
        self.lifetime = lifetime
    }

    /// The latest list, without waiting.
    var latest: [ShelfCategory] { self.state.withLock { $0.categories } }

    /// Fetches the list if it is older than its lifetime.
    func refreshIfStale(now: ContinuousClock.Instant = .now) async {
        let stale = self.state.withLock { state in state.fetched.map { now - $0 >= self.lifetime } ?? true }
        guard stale else { return }
        guard let categories = try? await self.catalog.categories() else {
            // Catalog is down: keep the last list and ask again after a lifetime, not on
            // every page (each attempt would wait for the call's deadline).
            self.state.withLock { $0.fetched = now }
            return
        }
        self.remember(categories, now: now)
    }

    /// A list a catalog page fetched anyway.
    func remember(_ categories: [ShelfCategory], now: ContinuousClock.Instant = .now) {
        self.state.withLock { $0 = State(categories: categories, fetched: now) }
    }
}
