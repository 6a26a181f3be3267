public import EmporiumClients
import EmporiumCore
import Foundation

/// The cart's behaviour, shared by its HTTP routes and its gRPC API: every answer is priced
/// with one batched catalog lookup, never one call per line.
public struct Carts: Sendable {
    let store: CartStore
    let catalog: any CatalogPeer

    public init(store: CartStore, catalog: any CatalogPeer) {
        self.store = store
        self.catalog = catalog
    }

    public func view(userId: String) async throws -> CartView {
        let lines = try await self.store.lines(userId: userId)
        let variants = try await self.catalog.variants(skus: lines.map(\.sku))
        return Self.render(lines, variants)
    }

    /// The cart as checkout sees it: the lines still sold, priced now, and the SKUs the
    /// catalog no longer sells (archived or gone), which a checkout must refuse.
    public func checkoutView(userId: String) async throws -> (view: CartView, unavailable: [String]) {
        let lines = try await self.store.lines(userId: userId)
        let variants = try await self.catalog.variants(skus: lines.map(\.sku))
        let unavailable = lines.map(\.sku).filter { variants[$0].map(\.archived) ?? true }
        let sold = variants.filter { !$0.value.archived }
        return (Self.render(lines, sold), unavailable)
    }

    /// Adds units of a SKU the catalog sells, then answers with the whole cart. The one
    /// catalog call covers the new SKU and every line already in the cart.
    public func add(userId: String, sku: String, quantity: Int) async throws -> CartView {
        let before = try await self.store.lines(userId: userId)
        let skus = before.contains { $0.sku == sku } ? before.map(\.sku) : before.map(\.sku) + [sku]
        let variants = try await self.catalog.variants(skus: skus)
        guard let variant = variants[sku] else { throw CartError.unknownSku(sku) }
        guard !variant.archived else { throw CartError.skuNotSold(sku) }
        switch try await self.store.add(userId: userId, sku: sku, quantity: quantity, now: Date()) {
        case .added: break
        case .overLimit: throw CartError.lineOverLimit
        case .tooManyLines: throw CartError.tooManyLines
        }
        let lines = try await self.store.lines(userId: userId)
        // A line another request added meanwhile is priced too, not dropped from the answer.
        let unpriced = lines.map(\.sku).filter { variants[$0] == nil }
        let all = unpriced.isEmpty ? variants : variants.merging(try await self.catalog.variants(skus: unpriced)) { $1 }
        return Self.render(lines, all)
    }

    /// Sets a line's quantity (0 removes it).
    public func setQuantity(userId: String, sku: String, quantity: Int) async throws -> CartView {
        guard try await self.store.setQuantity(userId: userId, sku: sku, quantity: quantity, now: Date()) else { throw CartError.notInCart(sku) }
        return try await self.view(userId: userId)
    }

    /// Removes a line.
    public func remove(userId: String, sku: String) async throws -> CartView {
        guard try await self.store.remove(userId: userId, sku: sku) else { throw CartError.notInCart(sku) }
        return try await self.view(userId: userId)
    }

    public func clear(userId: String) async throws {
        try await self.store.clear(userId: userId)
    }

    /// Takes an order's lines out of the cart, once per order (see `CartStore.removeOrdered`).
    public func removeOrdered(userId: String, orderId: String, lines: [CartLine]) async throws {
        _ = try await self.store.removeOrdered(userId: userId, orderId: orderId, lines: lines, now: Date())
    }

    /// Lines priced at the catalog's current prices. A line whose SKU the catalog no
    /// longer knows at all cannot be priced and is left out (it stays stored).
    static func render(_ lines: [CartLine], _ variants: [String: CatalogVariant]) -> CartView {
        var currency = Money.defaultCurrency
        let items: [CartView.Item] = lines.compactMap { line in
            guard let variant = variants[line.sku] else { return nil }
            currency = variant.currency
            let unit = variant.priceAmount
            let name = variant.variantName.isEmpty || variant.variantName == variant.productName
                ? variant.productName : "\(variant.productName) – \(variant.variantName)"
            return CartView.Item(
                sku: line.sku,
                productId: variant.productId,
                name: name,
                unitPrice: Money(amount: unit, currency: variant.currency),
                quantity: line.quantity,
                lineTotal: Money(amount: unit * line.quantity, currency: variant.currency)
            )
        }
        return CartView(items: items, currency: currency)
    }
}
