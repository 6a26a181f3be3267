import EmporiumClients
import Foundation

/// An order as the history and detail pages show it.
struct OrderView {
    struct LineView {
        let name: String
        let sku: String
        let quantity: Int
        let unitPrice: String
        let lineTotal: String
    }

    let id: String
    let shortId: String
    let href: String
    let status: String
    let statusClass: String
    let date: String
    let datetime: String
    let lines: [LineView]
    let itemCount: Int
    let subtotal: String
    let shipping: String
    let tax: String
    let total: String
    let address: ShippingDetails
    let card: String
    let failure: String?
    let cancellable: Bool

    init(_ order: ShopperOrder) {
        self.id = order.id
        self.shortId = Self.shortId(order.id)
        self.href = "/account/orders/" + Paths.segment(order.id)
        self.status = Self.statusText(order.status)
        self.statusClass = "status-" + order.status
        self.date = order.createdAt.formatted(Date.FormatStyle(date: .abbreviated, time: .shortened, timeZone: TimeZone(identifier: "UTC") ?? .current)) + " UTC"
        self.datetime = order.createdAt.formatted(.iso8601)
        self.lines = order.lines.map {
            LineView(name: LineName.shown($0.name), sku: $0.sku, quantity: $0.quantity, unitPrice: MoneyText.format($0.unitPriceAmount, order.currency),
                lineTotal: MoneyText.format($0.lineTotalAmount, order.currency))
        }
        self.itemCount = order.lines.reduce(0) { $0 + $1.quantity }
        self.subtotal = MoneyText.format(order.subtotalAmount, order.currency)
        self.shipping = order.shippingAmount == 0 ? "Free" : MoneyText.format(order.shippingAmount, order.currency)
        self.tax = MoneyText.format(order.taxAmount, order.currency)
        self.total = MoneyText.format(order.totalAmount, order.currency)
        self.address = order.address
        self.card = order.paymentBrand.isEmpty ? "Card" : Self.brand(order.paymentBrand) + " ending in " + order.paymentLast4
        self.failure = order.failureCode.map { CheckoutController.declined($0) }
        self.cancellable = order.status == "paid"
    }

    static func shortId(_ id: String) -> String {
        String(id.suffix(8)).uppercased()
    }

    static func statusText(_ status: String) -> String {
        switch status {
        case "pending": "Processing"
        case "paid": "Paid"
        case "shipped": "Shipped"
        case "cancelled": "Cancelled"
        case "failed": "Payment failed"
        default: status.capitalized
        }
    }

    static func brand(_ brand: String) -> String {
        switch brand {
        case "visa": "Visa"
        case "mastercard": "Mastercard"
        case "amex": "American Express"
        case "discover": "Discover"
        default: brand.capitalized
        }
    }
}
