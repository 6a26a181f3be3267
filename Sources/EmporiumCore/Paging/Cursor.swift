public import Foundation

/// Opaque keyset cursors: the sort they belong to and the last row's sort key, as
/// base64url JSON. Clients pass them back untouched; anything else is a 400.
public struct PageCursor: Codable, Sendable, Equatable {
    public var sort: String
    public var text: String?
    public var number: Int?
    public var id: String

    public init(sort: String, text: String? = nil, number: Int? = nil, id: String) {
        self.sort = sort
        self.text = text
        self.number = number
        self.id = id
    }

    public func encoded() -> String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a cursor for `sort`, or throws a 400 problem.
    public static func decode(_ value: String, sort: String) throws -> PageCursor {
        var base64 = value.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard value.count <= 1024,
            let data = Data(base64Encoded: base64),
            let cursor = try? JSONDecoder().decode(PageCursor.self, from: data),
            cursor.sort == sort
        else {
            throw Problem.badRequest(
                "cursor is not a cursor this list handed out for this sort.",
                errors: [FieldError(field: "cursor", message: "invalid cursor")]
            )
        }
        return cursor
    }
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
