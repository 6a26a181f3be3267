public import EmporiumClients
import Synchronization

/// Catalog as a dictionary, for unit tests of cart and checkout without gRPC. Tests change
/// prices and archive SKUs as an admin would; every lookup is recorded, so a test can check
/// that callers batch their SKUs into one call.
public final class InMemoryCatalog: CatalogPeer {
    private let state: Mutex<(variants: [String: CatalogVariant], lookups: [[String]])>

    public init(_ variants: [CatalogVariant] = []) {
        self.state = Mutex((Dictionary(variants.map { ($0.sku, $0) }, uniquingKeysWith: { _, last in last }), []))
    }

    public func variants(skus: [String]) async throws -> [String: CatalogVariant] {
        // Like the real client, no call at all for no SKUs.
        guard !skus.isEmpty else { return [:] }
        return self.state.withLock { state in
            state.lookups.append(skus)
            return state.variants.filter { skus.contains($0.key) }
        }
    }

    /// Adds or replaces a variant (a new product, a price change).
    public func put(_ variant: CatalogVariant) {
        self.state.withLock { $0.variants[variant.sku] = variant }
    }

    /// The product was deleted: still known, no longer sold.
    public func archive(sku: String) {
        self.state.withLock { $0.variants[sku]?.archived = true }
    }

    /// The SKUs of each lookup made so far, in order.
    public var lookups: [[String]] {
        self.state.withLock { $0.lookups }
    }
}
