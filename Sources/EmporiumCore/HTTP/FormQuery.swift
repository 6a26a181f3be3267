import Foundation
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

    /// `+` to space first (a literal plus arrives as `%2B`), then percent-decoding.
    static func decode(_ encoded: Substring, field: String?) throws -> String {
        let spaced = encoded.replacingOccurrences(of: "+", with: " ")
        guard let decoded = spaced.removingPercentEncoding else {
            let name = field ?? "query"
            throw Problem.badRequest(
                "The query string has malformed percent-encoding\(field.map { " in \($0)" } ?? "").",
                errors: [FieldError(field: name, message: "malformed percent-encoding")]
            )
        }
        if decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            let name = field ?? "query"
            throw Problem.badRequest(
                "\(field ?? "A query parameter name") must not contain control characters.",
                errors: [FieldError(field: name, message: "must not contain control characters")]
            )
        }
        return decoded
    }
}

extension Request {
    /// The query string as form fields; reading a malformed parameter throws a 400 problem.
    public var formQuery: FormQuery {
        FormQuery(self.uri.query)
    }
}
