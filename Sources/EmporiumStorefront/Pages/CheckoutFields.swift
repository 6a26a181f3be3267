import EmporiumClients
import EmporiumCore
import Foundation

/// The checkout form's fields as typed, to show them again beside an error. The card
/// number and CVC are never shown again (nor logged): the shopper types them anew.
struct CheckoutFields {
    var name: String
    var line1 = ""
    var line2 = ""
    var city = ""
    var postalCode = ""
    var country = "US"
    var key = CheckoutFields.newKey()
    var expMonth = ""
    var expYear = ""
    /// Not shown again.
    private(set) var cardNumber = ""
    private(set) var cvc = ""

    init(name: String) {
        self.name = name
    }

    init(_ form: FormQuery) {
        func field(_ name: String) -> String { (((try? form[name]) ?? nil) ?? "").trimmingCharacters(in: .whitespaces) }
        self.name = field("name")
        self.line1 = field("line1")
        self.line2 = field("line2")
        self.city = field("city")
        self.postalCode = field("postalCode")
        self.country = field("country").uppercased()
        self.expMonth = field("expMonth")
        self.expYear = field("expYear")
        self.cardNumber = field("cardNumber")
        self.cvc = field("cvc")
        let key = field("key")
        self.key = key.isEmpty ? Self.newKey() : key
    }

    static func newKey() -> String { UUID().uuidString.lowercased() }

    var address: ShippingDetails {
        ShippingDetails(name: self.name, line1: self.line1, line2: self.line2.isEmpty ? nil : self.line2, city: self.city, postalCode: self.postalCode, country: self.country)
    }

    /// The card, or nil when the expiry is not numbers (orders checks everything else).
    /// Spaces in the number are how people type it; orders wants digits.
    var card: CardDetails? {
        guard let month = Int(self.expMonth), let year = Int(self.expYear) else { return nil }
        return CardDetails(number: self.cardNumber.filter { $0 != " " && $0 != "-" }, expMonth: month, expYear: year, cvc: self.cvc)
    }

    /// The years the expiry field suggests.
    var thisYear: Int { Calendar(identifier: .gregorian).component(.year, from: Date()) }
}
