public import EmporiumCore

/// The orders a product list can be sorted in; each has a total order (ties broken by id)
/// so keyset paging returns every product exactly once.
public enum ProductSort: String, Sendable, CaseIterable {
    case name
    case price
    case priceDescending = "-price"
    case newest
}

public struct ProductQuery: Sendable {
    public var categoryId: String?
    public var search: String?
    public var sort: ProductSort
    public var limit: Int
    public var after: PageCursor?

    public init(categoryId: String? = nil, search: String? = nil, sort: ProductSort = .name, limit: Int = 20, after: PageCursor? = nil) {
        self.categoryId = categoryId
        self.search = search
        self.sort = sort
        self.limit = limit
        self.after = after
    }
}

/// Case-insensitive matching done in Swift rather than SQL, because SQLite's `lower()` only
/// folds ASCII: names are stored folded, and queries are folded the same way.
public enum SearchText {
    public static func fold(_ text: String) -> String {
        text.lowercased()
    }

    /// A LIKE pattern for "contains `query`", with `%`, `_` and the escape itself literal.
    public static func containsPattern(_ query: String) -> String {
        var escaped = ""
        for character in self.fold(query) {
            if character == "\\" || character == "%" || character == "_" {
                escaped.append("\\")
            }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }
}
