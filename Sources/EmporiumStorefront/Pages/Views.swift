import EmporiumClients
import EmporiumCore
import Foundation

/// What the templates show. Plain structs (Mustache reads their properties by name); every
/// string is escaped by the template, never here.
struct LayoutView {
    let title: String
    let description: String
    let canonical: String?
    let stylesheet: String
    let categories: [CategoryLink]
    let search: String
    /// The header's account links and cart (rendered apart: `account-nav`).
    let accountNav: String
    /// A message after a redirect ("Added to your cart.") and an error on a form page.
    let notice: String?
    let alert: String?
}

struct AccountView {
    let name: String
}

/// The messages a redirect can ask a page to show (`?notice=added`): fixed texts chosen by
/// key, so a link can never put words of its own on the page.
enum Notice {
    static func text(_ query: FormQuery) -> String? {
        switch (try? query["notice"]) ?? nil {
        case "added": "Added to your cart."
        case "updated": "Your cart was updated."
        case "removed": "Removed from your cart."
        case "placed": "Thank you! Your order is confirmed."
        case "cancelled": "Your order was cancelled and refunded."
        case "signed-in": "Welcome back — you are signed in."
        case "registered": "Welcome to Emporium — your account is ready."
        case "signed-out": "You are signed out."
        default: nil
        }
    }
}

struct CategoryLink {
    let name: String
    let href: String
    let productCount: Int
    let current: Bool
}

struct ProductCard {
    let name: String
    let href: String
    let image: String
    let price: String

    init(_ product: ShelfProduct) {
        self.name = product.name
        self.href = "/products/" + Paths.segment(product.slug)
        self.image = ProductImage.path(slug: product.slug)
        self.price = MoneyText.format(product.priceAmount, product.currency)
    }
}

struct SortOption {
    let value: String
    let label: String
    let selected: Bool

    static func all(selected: String) -> [SortOption] {
        [("name", "Name"), ("price", "Price: low to high"), ("-price", "Price: high to low"), ("newest", "Newest")].map {
            SortOption(value: $0.0, label: $0.1, selected: $0.0 == selected)
        }
    }
}

/// Percent-encodes a value for a URL path segment or query value (slugs and cursors are
/// already safe; a search term may hold anything).
enum Paths {
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func segment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? ""
    }
}

/// Money for people: `$12.99`, `€5.00`, or the ISO code for other currencies.
enum MoneyText {
    static func format(_ amount: Int, _ currency: String) -> String {
        let number = Self.decimal(amount, currency)
        switch currency {
        case "USD": return Self.signed("$", number)
        case "EUR": return Self.signed("€", number)
        case "GBP": return Self.signed("£", number)
        default: return number + " " + currency
        }
    }

    /// The amount as a plain decimal number in major units (`12.99`), as schema.org wants it.
    static func decimal(_ amount: Int, _ currency: String) -> String {
        let digits = ["JPY": 0, "KRW": 0][currency] ?? 2
        let absolute = abs(amount)
        var number = String(absolute)
        if digits > 0 {
            var scale = 1
            for _ in 0..<digits { scale *= 10 }
            let fraction = String(absolute % scale)
            number = "\(absolute / scale)." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return (amount < 0 ? "-" : "") + number
    }

    private static func signed(_ symbol: String, _ number: String) -> String {
        number.hasPrefix("-") ? "-" + symbol + number.dropFirst() : symbol + number
    }
}
