import EmporiumClients
import Foundation

/// A product page: its variants with price and stock, and what crawlers read (a meta
/// description, a canonical link, schema.org Product JSON-LD with offers).
struct ProductPageView {
    struct VariantView {
        let sku: String
        let name: String
        let price: String
        let stock: String
        let inStock: Bool
        let checked: Bool
        let attributes: String
    }

    let name: String
    let description: String
    let summary: String
    let href: String
    let image: String
    let price: String
    let variants: [VariantView]
    let inStock: Bool
    let jsonLD: String

    init(_ product: ShelfProduct, available: [String: Int]) {
        self.name = product.name
        self.description = product.description
        self.summary = String(product.description.prefix(155))
        self.href = "/products/" + Paths.segment(product.slug)
        self.image = ProductImage.path(slug: product.slug)
        self.price = MoneyText.format(product.priceAmount, product.currency)
        let firstInStock = product.variants.firstIndex { (available[$0.sku] ?? 0) > 0 }
        self.variants = product.variants.enumerated().map { index, variant in
            let units = available[variant.sku] ?? 0
            return VariantView(
                sku: variant.sku, name: variant.name, price: MoneyText.format(variant.priceAmount, product.currency),
                stock: units == 0 ? "Out of stock" : units <= 5 ? "Only \(units) left" : "In stock",
                inStock: units > 0, checked: index == (firstInStock ?? 0),
                attributes: variant.attributes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            )
        }
        self.inStock = firstInStock != nil
        self.jsonLD = Self.jsonLD(product, available: available, href: self.href, image: self.image)
    }

    /// schema.org Product with one Offer per variant, as a `<script type="application/ld+json">`
    /// body: `<`, `>` and `&` are escaped as JSON `\u` sequences, so no catalog text can end
    /// the script element.
    static func jsonLD(_ product: ShelfProduct, available: [String: Int], href: String, image: String) -> String {
        let offers: [[String: Any]] = product.variants.map { variant in
            [
                "@type": "Offer", "sku": variant.sku, "name": variant.name,
                "price": MoneyText.decimal(variant.priceAmount, product.currency), "priceCurrency": product.currency,
                "availability": (available[variant.sku] ?? 0) > 0 ? "https://schema.org/InStock" : "https://schema.org/OutOfStock",
                "url": href,
            ]
        }
        let object: [String: Any] = [
            "@context": "https://schema.org", "@type": "Product", "name": product.name, "description": product.description,
            "sku": product.variants.first?.sku ?? product.id, "image": image, "offers": offers,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "{}" }
        var json = ""
        for character in String(decoding: data, as: UTF8.self) {
            switch character {
            case "<": json += "\\u003c"
            case ">": json += "\\u003e"
            case "&": json += "\\u0026"
            default: json.append(character)
            }
        }
        return json
    }
}
