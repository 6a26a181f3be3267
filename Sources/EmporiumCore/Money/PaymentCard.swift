public import Foundation

/// A card as checkout receives it, validated the way a card processor would before any
/// call: digits only, 12–19 of them, Luhn checksum, a month 1–12 and four-digit year not in
/// the past, a CVC of 3 digits (4 for American Express). Shared by orders (to refuse a bad
/// card with 422 before reserving anything) and payments (which checks again).
public struct PaymentCard: Sendable {
    public enum Brand: String, Sendable, Codable {
        case visa, mastercard, amex, discover, unknown
    }

    public let number: String
    public let expMonth: Int
    public let expYear: Int
    public let cvc: String

    public var brand: Brand { Self.brand(of: self.number) }
    public var last4: String { String(self.number.suffix(4)) }

    /// The card, or the fields that are wrong (`number`, `expMonth`, `expYear`, `cvc`;
    /// prefixed with `fieldPrefix`, e.g. `payment.card.`). Messages never echo the number.
    public static func validate(number: String, expMonth: Int, expYear: Int, cvc: String, now: Date = Date(), fieldPrefix: String = "") -> Result<PaymentCard, InvalidCard> {
        var errors: [FieldError] = []
        let digitsOnly = { (text: String) in !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }
        if !digitsOnly(number) || !(12...19).contains(number.utf8.count) {
            errors.append(FieldError(field: fieldPrefix + "number", message: "must be 12 to 19 digits"))
        } else if !Self.passesLuhn(number) {
            errors.append(FieldError(field: fieldPrefix + "number", message: "is not a valid card number"))
        }
        if !(1...12).contains(expMonth) {
            errors.append(FieldError(field: fieldPrefix + "expMonth", message: "must be 1 to 12"))
        }
        if !(1000...9999).contains(expYear) {
            errors.append(FieldError(field: fieldPrefix + "expYear", message: "must be a four-digit year"))
        } else if (1...12).contains(expMonth) {
            let today = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC") ?? .current, from: now)
            if let year = today.year, let month = today.month, (expYear, expMonth) < (year, month) {
                errors.append(FieldError(field: fieldPrefix + "expYear", message: "the card has expired"))
            }
        }
        let cvcLength = Self.brand(of: number) == .amex ? 4 : 3
        if !digitsOnly(cvc) || cvc.utf8.count != cvcLength {
            errors.append(FieldError(field: fieldPrefix + "cvc", message: "must be \(cvcLength) digits"))
        }
        guard errors.isEmpty else { return .failure(InvalidCard(errors: errors)) }
        return .success(PaymentCard(number: number, expMonth: expMonth, expYear: expYear, cvc: cvc))
    }

    /// What is wrong with a card, field by field.
    public struct InvalidCard: Error, Sendable {
        public let errors: [FieldError]
    }

    static func passesLuhn(_ number: String) -> Bool {
        var sum = 0
        for (index, byte) in number.utf8.reversed().enumerated() {
            var digit = Int(byte - UInt8(ascii: "0"))
            if index % 2 == 1 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return sum % 10 == 0
    }

    /// By the issuer prefixes (IIN ranges) the networks publish.
    static func brand(of number: String) -> Brand {
        let prefix = { (count: Int) in Int(number.prefix(count)) ?? -1 }
        if number.hasPrefix("4") { return .visa }
        if (51...55).contains(prefix(2)) || (2221...2720).contains(prefix(4)) { return .mastercard }
        if prefix(2) == 34 || prefix(2) == 37 { return .amex }
        if prefix(4) == 6011 || prefix(2) == 65 || (644...649).contains(prefix(3)) { return .discover }
        return .unknown
    }
}
