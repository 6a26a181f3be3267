import EmporiumCore
import Foundation
import SQLKit

/// Row mapping and the statements shared by several store operations.
extension SQLCatalogStore {
    static let categorySelect: SQLQueryString = """
        SELECT c.id, c.slug, c.name,
               (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id AND p.archived_at IS NULL) AS product_count
        FROM categories c
        """

    static func category(from row: any SQLRow) throws -> Category {
        Category(
            id: try row.decode(column: "id", as: String.self),
            slug: try row.decode(column: "slug", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            productCount: try row.decode(column: "product_count", as: Int.self)
        )
    }

    static func category(idOrSlug: String, sql: any SQLDatabase) async throws -> Category? {
        try await sql.raw(
            Self.categorySelect + " WHERE c.id = \(bind: idOrSlug) OR c.slug = \(bind: idOrSlug)"
        ).first().map(Self.category(from:))
    }

    static func bumpRevision(_ sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1").run()
    }

    static func liveProduct(id: String, sql: any SQLDatabase) async throws -> Product? {
        try await Self.liveProduct(where: "p.id = \(bind: id)", sql: sql)
    }

    /// The listed product matching `condition` (on a unique column: id or slug).
    static func liveProduct(where condition: SQLQueryString, sql: any SQLDatabase) async throws -> Product? {
        let statement: SQLQueryString =
            "SELECT \(unsafeRaw: Self.productColumns) FROM products p WHERE \(condition) AND p.archived_at IS NULL"
        guard let row = try await sql.raw(statement).first().map(ProductRow.init(row:)) else {
            return nil
        }
        let variants = try await Self.variants(of: [row.id], sql: sql)
        return row.product(variants: variants[row.id] ?? [])
    }

    /// The current (not retired) variants of the given products, in their listed order.
    static func variants(of productIds: [String], sql: any SQLDatabase) async throws -> [String: [Variant]] {
        guard !productIds.isEmpty else { return [:] }
        let rows = try await sql.raw(
            """
            SELECT product_id, sku, name, price_amount, currency, attributes FROM variants
            WHERE product_id IN (\(binds: productIds)) AND retired_at IS NULL
            ORDER BY product_id, position
            """
        ).all()
        var result: [String: [Variant]] = [:]
        for row in rows {
            let attributesJSON = try row.decode(column: "attributes", as: String.self)
            let attributes = (try? JSONDecoder().decode([String: String].self, from: Data(attributesJSON.utf8))) ?? [:]
            let variant = Variant(
                sku: try row.decode(column: "sku", as: String.self),
                name: try row.decode(column: "name", as: String.self),
                price: Money(amount: try row.decode(column: "price_amount", as: Int.self), currency: try row.decode(column: "currency", as: String.self)),
                attributes: attributes
            )
            result[try row.decode(column: "product_id", as: String.self), default: []].append(variant)
        }
        return result
    }

    /// The checks that make a draft storable: its category exists (422), and its slug and
    /// SKUs are not another product's (409). Runs inside the write transaction.
    static func checkReferences(_ draft: ProductDraft, productId: String, sql: any SQLDatabase) async throws {
        let categoryExists = try await sql.raw("SELECT id FROM categories WHERE id = \(bind: draft.categoryId)").first() != nil
        if !categoryExists {
            throw CatalogError.unknownCategory
        }
        let slugOwner = try await sql.raw(
            "SELECT id FROM products WHERE slug = \(bind: draft.slug) AND archived_at IS NULL AND id <> \(bind: productId)"
        ).first()
        if slugOwner != nil {
            throw CatalogError.slugTaken(draft.slug)
        }
        let skus = draft.variants.map(\.sku)
        let taken = try await sql.raw(
            "SELECT sku FROM variants WHERE sku IN (\(binds: skus)) AND product_id <> \(bind: productId) ORDER BY sku"
        ).all().map { try $0.decode(column: "sku", as: String.self) }
        if !taken.isEmpty {
            throw CatalogError.skusTaken(taken)
        }
    }

    /// Makes `variants` the product's current list: existing SKUs are updated in place,
    /// new ones inserted, and dropped ones retired (kept, because old orders name them).
    static func writeVariants(_ variants: [VariantDraft], productId: String, now: Int, sql: any SQLDatabase) async throws {
        let skus = variants.map(\.sku)
        try await sql.raw(
            "UPDATE variants SET retired_at = \(bind: now) WHERE product_id = \(bind: productId) AND sku NOT IN (\(binds: skus))"
        ).run()
        let existing = Set(
            try await sql.raw("SELECT sku FROM variants WHERE product_id = \(bind: productId)").all()
                .map { try $0.decode(column: "sku", as: String.self) }
        )
        for (position, variant) in variants.enumerated() {
            let attributes = Self.attributesJSON(variant.attributes)
            if existing.contains(variant.sku) {
                try await sql.raw(
                    """
                    UPDATE variants SET position = \(bind: position), name = \(bind: variant.name),
                        price_amount = \(bind: variant.price.amount), currency = \(bind: variant.price.currency),
                        attributes = \(bind: attributes), retired_at = NULL
                    WHERE sku = \(bind: variant.sku)
                    """
                ).run()
            } else {
                try await sql.raw(
                    """
                    INSERT INTO variants (sku, product_id, position, name, price_amount, currency, attributes)
                    VALUES (\(bind: variant.sku), \(bind: productId), \(bind: position), \(bind: variant.name),
                            \(bind: variant.price.amount), \(bind: variant.price.currency), \(bind: attributes))
                    """
                ).run()
            }
        }
    }

    static func attributesJSON(_ attributes: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(attributes)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func searchText(_ draft: ProductDraft) -> String {
        SearchText.fold(draft.name) + "\n" + SearchText.fold(draft.description)
    }

    /// The listed products matching `query`, in its order, one more than a page (so the
    /// page knows whether another follows), as `columns`.
    static func listStatement(_ query: ProductQuery, columns: String) throws -> SQLQueryString {
        var conditions: [SQLQueryString] = ["p.archived_at IS NULL"]
        if let categoryId = query.categoryId {
            conditions.append("p.category_id = \(bind: categoryId)")
        }
        if let search = query.search, !search.isEmpty {
            conditions.append("p.search_text LIKE \(bind: SearchText.containsPattern(search)) ESCAPE '\\'")
        }
        if let after = query.after {
            conditions.append(try Self.afterCondition(after, sort: query.sort))
        }
        return "SELECT \(unsafeRaw: columns) FROM products p WHERE "
            + conditions.joined(separator: " AND ")
            + " ORDER BY \(unsafeRaw: Self.orderBy(query.sort)) LIMIT \(literal: query.limit + 1)"
    }

    /// Renders the listed product's document from its row and variants and stores it, in
    /// the caller's write transaction; the product, or nil when it is not listed.
    static func storeDocument(id: String, sql: any SQLDatabase) async throws -> Product? {
        guard let product = try await Self.liveProduct(id: id, sql: sql) else { return nil }
        try await sql.raw(
            """
            UPDATE products SET document = \(bind: try ProductDocument.render(product)),
                document_version = \(bind: ProductDocument.version), document_updated_at = updated_at
            WHERE id = \(bind: id)
            """
        ).run()
        return product
    }

    static func orderBy(_ sort: ProductSort) -> String {
        switch sort {
        case .name: "p.sort_name, p.id"
        case .price: "p.price_amount, p.id"
        case .priceDescending: "p.price_amount DESC, p.id"
        case .newest: "p.seq DESC"
        }
    }

    /// "Strictly after the cursor's row" in the list's order, written as a range on the sort
    /// column and a filter on ties (`a >= x AND (a > x OR id > y)`, not `a > x OR (a = x AND
    /// id > y)`): the range is what lets SQLite and PostgreSQL seek the sort's index to the
    /// cursor instead of walking it from the start (on 100k products a deep page read tens
    /// of thousands of index entries).
    static func afterCondition(_ cursor: PageCursor, sort: ProductSort) throws -> SQLQueryString {
        let invalid = CatalogError.cursorForAnotherSort
        switch sort {
        case .name:
            guard let text = cursor.text else { throw invalid }
            return "p.sort_name >= \(bind: text) AND (p.sort_name > \(bind: text) OR p.id > \(bind: cursor.id))"
        case .price:
            guard let number = cursor.number else { throw invalid }
            return "p.price_amount >= \(bind: number) AND (p.price_amount > \(bind: number) OR p.id > \(bind: cursor.id))"
        case .priceDescending:
            guard let number = cursor.number else { throw invalid }
            return "p.price_amount <= \(bind: number) AND (p.price_amount < \(bind: number) OR p.id > \(bind: cursor.id))"
        case .newest:
            guard let number = cursor.number else { throw invalid }
            return "p.seq < \(bind: number)"
        }
    }

    static func cursor(after row: SortKey, sort: ProductSort) -> PageCursor {
        switch sort {
        case .name: PageCursor(sort: sort.rawValue, text: row.sortName, id: row.id)
        case .price, .priceDescending: PageCursor(sort: sort.rawValue, number: row.priceAmount, id: row.id)
        case .newest: PageCursor(sort: sort.rawValue, number: row.seq, id: row.id)
        }
    }
}

/// What a list orders by and a cursor holds.
struct SortKey {
    let seq: Int
    let id: String
    let sortName: String
    let priceAmount: Int

    init(row: any SQLRow) throws {
        self.seq = try row.decode(column: "seq", as: Int.self)
        self.id = try row.decode(column: "id", as: String.self)
        self.sortName = try row.decode(column: "sort_name", as: String.self)
        self.priceAmount = try row.decode(column: "price_amount", as: Int.self)
    }
}

/// A listed product's sort keys and its current document (nil: read it from the columns).
struct DocumentRow {
    let key: SortKey
    let document: String?

    init(row: any SQLRow) throws {
        self.key = try SortKey(row: row)
        self.document = try row.decode(column: "document", as: String?.self)
    }
}

/// One `products` row.
struct ProductRow {
    let key: SortKey
    var id: String { self.key.id }
    let slug: String
    let name: String
    let description: String
    let categoryId: String
    let imageUrl: String?
    let currency: String
    let createdAt: Int
    let updatedAt: Int

    init(row: any SQLRow) throws {
        self.key = try SortKey(row: row)
        self.slug = try row.decode(column: "slug", as: String.self)
        self.name = try row.decode(column: "name", as: String.self)
        self.description = try row.decode(column: "description", as: String.self)
        self.categoryId = try row.decode(column: "category_id", as: String.self)
        self.imageUrl = try row.decode(column: "image_url", as: String?.self)
        self.currency = try row.decode(column: "currency", as: String.self)
        self.createdAt = try row.decode(column: "created_at", as: Int.self)
        self.updatedAt = try row.decode(column: "updated_at", as: Int.self)
    }

    func product(variants: [Variant]) -> Product {
        Product(
            id: self.id,
            slug: self.slug,
            name: self.name,
            description: self.description,
            categoryId: self.categoryId,
            imageUrl: self.imageUrl,
            price: Money(amount: self.key.priceAmount, currency: self.currency),
            variants: variants,
            createdAt: Timestamp.date(micros: self.createdAt),
            updatedAt: Timestamp.date(micros: self.updatedAt)
        )
    }
}
