import EmporiumClients
import Foundation

/// The cart page: each line with its product's picture and link, and the subtotal.
struct CartView {
    struct LineView {
        let sku: String
        let name: String
        let quantity: Int
        let unitPrice: String
        let lineTotal: String
        let href: String?
        let image: String?
    }

    let lines: [LineView]
    let itemCount: Int
    let subtotal: String
    let isEmpty: Bool
    /// SKUs no longer sold: checkout refuses them until they are removed.
    let unavailable: [String]

    init(_ cart: PricedCart, products: any CatalogBrowsing) async throws {
        // Lines name their product by id; its page and picture go by slug. A product that
        // cannot be looked up still shows as a line, without a link.
        let slugs = await withTaskGroup(of: (String, String?).self) { group in
            for id in Set(cart.lines.map(\.productId)) {
                group.addTask { (id, try? await products.product(idOrSlug: id)?.slug) }
            }
            var slugs: [String: String] = [:]
            for await (id, slug) in group { slugs[id] = slug }
            return slugs
        }
        self.lines = cart.lines.map { line in
            let slug = slugs[line.productId] ?? nil
            return LineView(
                sku: line.sku, name: LineName.shown(line.name), quantity: line.quantity,
                unitPrice: MoneyText.format(line.unitPriceAmount, cart.currency), lineTotal: MoneyText.format(line.lineTotalAmount, cart.currency),
                href: slug.map { "/products/" + Paths.segment($0) }, image: slug.map(ProductImage.path(slug:))
            )
        }
        self.itemCount = cart.itemCount
        self.subtotal = MoneyText.format(cart.subtotalAmount, cart.currency)
        self.isEmpty = cart.lines.isEmpty && cart.unavailableSkus.isEmpty
        self.unavailable = cart.unavailableSkus
    }
}

/// A line's name as people read it: a product's only variant is called "Default" in the
/// catalog, which says nothing on a receipt.
enum LineName {
    static func shown(_ name: String) -> String {
        for suffix in [" – Default", " - Default"] where name.hasSuffix(suffix) {
            return String(name.dropLast(suffix.count))
        }
        return name
    }
}
