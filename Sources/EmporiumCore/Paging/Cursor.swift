public import Crypto
import Foundation

/// Opaque keyset cursors: the sort they belong to and the last row's sort key, as
/// base64url JSON, signed with HMAC-SHA256 under a per-installation key
/// (`InstallationSecrets`). Clients pass them back untouched; anything else, including a
/// cursor edited or made up by hand, is a 400. Signing means a list only ever resumes from
/// a position it handed out, so cursors cannot be minted to probe the store or to fill
/// response caches with keys of their own.
public struct PageCursor: Codable, Sendable, Equatable {
    public var sort: String
    public var text: String?
    public var number: Int?
    public var id: String

    /// The name of the installation secret cursors are signed with.
    public static let secretName = "cursor"

    public init(sort: String, text: String? = nil, number: Int? = nil, id: String) {
        self.sort = sort
        self.text = text
        self.number = number
        self.id = id
    }

    /// `payload.signature`, both base64url without padding.
    public func encoded(signingKey: SymmetricKey) -> String {
        let payload = Base64URL.encode(CursorJSON.write(self))
        let signature = HMAC<SHA256>.authenticationCode(for: Array(payload.utf8), using: signingKey)
        return payload + "." + Base64URL.encode(Data(signature))
    }

    /// Decodes a cursor for `sort` signed with `signingKey`, or throws a 400 problem.
    public static func decode(_ value: String, sort: String, signingKey: SymmetricKey) throws -> PageCursor {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard value.utf8.count <= 1024, parts.count == 2,
            let signature = Base64URL.decode(parts[1]),
            // Constant time: a forger learns nothing from how fast a guess fails.
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Array(parts[0].utf8), using: signingKey),
            let data = Base64URL.decode(parts[0]),
            // Cursors this build wrote take the hand-written reader; older ones JSONDecoder.
            let cursor = CursorJSON.read(data) ?? (try? Self.decoder.decode(PageCursor.self, from: Data(data))),
            cursor.sort == sort
        else {
            throw Problem.badRequest(
                "cursor is not a cursor this list handed out for this sort.",
                errors: [FieldError(field: "cursor", message: "invalid cursor")]
            )
        }
        return cursor
    }

    // Made once: building a coder per call showed in the list route's profile.
    private static let decoder = JSONDecoder()
}

/// A page of a list: `{items, nextCursor}`.
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.items, forKey: .items)
        // Always present, `null` on the last page, as API.md shows.
        try container.encode(self.nextCursor, forKey: .nextCursor)
    }

    enum CodingKeys: String, CodingKey {
        case items, nextCursor
    }
}

/// Parses `limit` (1–100, default 20): anything else is a 400.
public enum PageLimit {
    public static func parse(_ raw: String?, default defaultValue: Int = 20) throws -> Int {
        guard let raw else { return defaultValue }
        guard let value = Int(raw), (1...100).contains(value) else {
            throw Problem.badRequest(
                "limit must be an integer from 1 to 100.",
                errors: [FieldError(field: "limit", message: "must be an integer from 1 to 100")]
            )
        }
        return value
    }
}
