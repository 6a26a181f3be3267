public import Hummingbird

/// A request's query string read as an HTML form sends it (`application/x-www-form-urlencoded`):
/// `+` is a space and `%2B` a plus, so `?q=walnut+desk` from a browser's search form means
/// what the user typed. Hummingbird's `queryParameters` only percent-decodes, which turns
/// that search into the literal `walnut+desk`.
///
/// A parameter the API reads that has malformed percent-encoding or control characters
/// (NUL, newlines, …) is a 400 problem naming it: no parameter of the API legitimately
/// holds them, and passing them on would reach stores and logs. Parameters the API does not
/// read are never decoded, so they are ignored whatever they hold (API.md).
public struct FormQuery: Sendable {
    /// Decoded names (nil: malformed, so no parameter the API reads) and raw values, in order.
    private let pairs: [(name: String?, value: Substring)]

    /// Splits a raw (still percent-encoded) query string, the part after `?`.
    public init(_ raw: String?) {
        var pairs: [(name: String?, value: Substring)] = []
        for field in (raw ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            pairs.append((try? Self.decode(parts[0], field: nil), parts.count > 1 ? parts[1] : ""))
        }
        self.pairs = pairs
    }

    /// The first value given for `name`, decoded; nil when absent; a 400 problem when that
    /// value is malformed.
    public subscript(_ name: String) -> String? {
        get throws {
            for pair in self.pairs where pair.name == name {
                return try Self.decode(pair.value, field: name)
            }
            return nil
        }
    }

    /// `+` to space first (a literal plus arrives as `%2B`), then percent-decoding, byte by
    /// byte (Foundation's `replacingOccurrences` and `removingPercentEncoding` go through
    /// NSString and showed in the list route's profile).
    static func decode(_ encoded: Substring, field: String?) throws -> String {
        let name = field ?? "query"
        let decoded: String
        if !encoded.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) {
            decoded = String(encoded)
        } else {
            guard let bytes = Self.percentDecoded(encoded.utf8), let text = String(validating: bytes, as: UTF8.self) else {
                throw Problem.badRequest(
                    "The query string has malformed percent-encoding\(field.map { " in \($0)" } ?? "").",
                    errors: [FieldError(field: name, message: "malformed percent-encoding")]
                )
            }
            decoded = text
        }
        // General category Cc: U+0000–U+001F and U+007F–U+009F.
        if decoded.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }) {
            throw Problem.badRequest(
                "\(field ?? "A query parameter name") must not contain control characters.",
                errors: [FieldError(field: name, message: "must not contain control characters")]
            )
        }
        return decoded
    }

    /// `+` as a space and `%XX` as its byte; nil for a `%` without two hex digits after it.
    private static func percentDecoded(_ utf8: Substring.UTF8View) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            utf8.formIndex(after: &index)
            switch byte {
            case UInt8(ascii: "+"):
                output.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard index != utf8.endIndex, let high = Self.hexValue(utf8[index]) else { return nil }
                utf8.formIndex(after: &index)
                guard index != utf8.endIndex, let low = Self.hexValue(utf8[index]) else { return nil }
                utf8.formIndex(after: &index)
                output.append(high << 4 | low)
            default:
                output.append(byte)
            }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Request {
    /// The query string as form fields; reading a malformed parameter throws a 400 problem.
    public var formQuery: FormQuery {
        FormQuery(self.uri.query)
    }
}
