public import EmporiumCore
import Foundation

/// Where an order goes. Validated field by field so a 422 names every bad field at once.
public struct ShippingAddress: Codable, Sendable, Equatable {
    public var name: String
    public var line1: String
    public var line2: String?
    public var city: String
    public var postalCode: String
    public var country: String

    /// Trimmed values, or `OrdersError.invalid` naming the fields that are missing, too long
    /// or (country) not an ISO 3166-1 alpha-2 code.
    func validated(fieldPrefix: String = "shippingAddress.") throws -> ShippingAddress {
        var errors: [FieldError] = []
        func check(_ value: String, _ field: String, max: Int) -> String {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty {
                errors.append(FieldError(field: fieldPrefix + field, message: "is required"))
            } else if trimmed.count > max {
                errors.append(FieldError(field: fieldPrefix + field, message: "must be at most \(max) characters"))
            }
            return trimmed
        }
        var clean = self
        clean.name = check(self.name, "name", max: 200)
        clean.line1 = check(self.line1, "line1", max: 200)
        if let line2 = self.line2?.trimmingCharacters(in: .whitespacesAndNewlines), !line2.isEmpty {
            clean.line2 = line2.count > 200 ? nil : line2
            if line2.count > 200 {
                errors.append(FieldError(field: fieldPrefix + "line2", message: "must be at most 200 characters"))
            }
        } else {
            clean.line2 = nil
        }
        clean.city = check(self.city, "city", max: 100)
        clean.postalCode = check(self.postalCode, "postalCode", max: 20)
        clean.country = self.country.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        if !CountryCodes.all.contains(clean.country) {
            errors.append(FieldError(field: fieldPrefix + "country", message: "must be an ISO 3166-1 alpha-2 country code, e.g. US"))
        }
        guard errors.isEmpty else { throw OrdersError.invalid(errors) }
        return clean
    }
}

/// ISO 3166-1 alpha-2: the 249 officially assigned codes (no reserved or user-assigned
/// ones such as EU, UN, XK or ZZ).
enum CountryCodes {
    static let all: Set<String> = Set(
        """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO \
        JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR \
        MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO \
        RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV \
        TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.split(separator: " ").map(String.init)
    )
}
