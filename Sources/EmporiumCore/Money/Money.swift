/// An amount of money: integer minor units (cents) and an ISO 4217 code. Never floating point.
public struct Money: Codable, Hashable, Sendable {
    public var amount: Int
    public var currency: String

    public init(amount: Int, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    /// One currency per deployment (API.md); every price the platform stores uses it.
    public static let defaultCurrency = "USD"

    /// Largest amount accepted anywhere: 10^11 minor units leaves ample room to sum many
    /// lines in an Int without overflow.
    public static let maximumAmount = 100_000_000_000
}
