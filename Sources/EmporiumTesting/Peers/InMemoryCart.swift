public import EmporiumClients
import EmporiumCore
import Synchronization

/// Carts in memory, priced through a catalog peer the way the cart service prices them: the
/// lines still sold at current prices, the rest listed as unavailable. Taking an order's
/// lines out happens once per order, like the real one, so a redelivered `order.paid` never
/// removes units added since.
public final class InMemoryCart: CartPeer {
    private let catalog: any CatalogPeer
    private let state = Mutex<(lines: [String: [(sku: String, quantity: Int)]], takenOut: Set<String>)>(([:], []))

    public init(catalog: any CatalogPeer) {
        self.catalog = catalog
    }

    /// Adds units of a SKU, as `POST /api/v1/cart/items` does once the catalog sells it.
    public func add(userId: String, sku: String, quantity: Int) {
        self.state.withLock { state in
            var lines = state.lines[userId, default: []]
            if let index = lines.firstIndex(where: { $0.sku == sku }) {
                lines[index].quantity += quantity
            } else {
                lines.append((sku, quantity))
            }
            state.lines[userId] = lines
        }
    }

    /// How many units the user's cart holds.
    public func unitCount(userId: String) -> Int {
        self.state.withLock { $0.lines[userId, default: []].reduce(0) { $0 + $1.quantity } }
    }

    public func cart(userId: String) async throws -> PricedCart {
        let lines = self.state.withLock { $0.lines[userId, default: []] }
        let variants = try await self.catalog.variants(skus: lines.map(\.sku))
        var currency = Money.defaultCurrency
        let priced: [PricedCart.Line] = lines.compactMap { line in
            guard let variant = variants[line.sku], !variant.archived else { return nil }
            currency = variant.currency
            let name = variant.variantName.isEmpty || variant.variantName == variant.productName
                ? variant.productName : "\(variant.productName) – \(variant.variantName)"
            return PricedCart.Line(sku: line.sku, productId: variant.productId, name: name, unitPriceAmount: variant.priceAmount, quantity: line.quantity)
        }
        let unavailable = lines.map(\.sku).filter { variants[$0].map(\.archived) ?? true }
        return PricedCart(userId: userId, lines: priced, currency: currency, unavailableSkus: unavailable)
    }

    public func removeOrdered(userId: String, orderId: String, lines ordered: [(sku: String, quantity: Int)]) async throws {
        self.state.withLock { state in
            guard state.takenOut.insert(orderId).inserted else { return }
            var lines = state.lines[userId, default: []]
            for line in ordered {
                guard let index = lines.firstIndex(where: { $0.sku == line.sku }) else { continue }
                lines[index].quantity -= line.quantity
            }
            state.lines[userId] = lines.filter { $0.quantity > 0 }
        }
    }

    public func clear(userId: String) async throws {
        self.state.withLock { $0.lines[userId] = nil }
    }
}
