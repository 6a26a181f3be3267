public import EmporiumCore
public import Foundation
import SQLKit

/// `CatalogStore` over SQLKit: the same statements on SQLite and PostgreSQL.
public struct SQLCatalogStore: CatalogStore {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    static let productColumns =
        "p.seq, p.id, p.slug, p.name, p.sort_name, p.description, p.category_id, p.image_url, p.price_amount, p.currency, p.created_at, p.updated_at"
    /// A list's sort keys and the product's document, NULL unless current (see migration 4).
    static let documentColumns = """
        p.seq, p.id, p.sort_name, p.price_amount,
        CASE WHEN p.document_version = \(ProductDocument.version) AND p.document_updated_at = p.updated_at THEN p.document END AS document
        """

    // MARK: Categories

    public func listCategories() async throws -> [Category] {
        try await self.database.read { sql in
            try await sql.raw(Self.categorySelect + " ORDER BY c.seq").all().map(Self.category(from:))
        }
    }

    public func category(idOrSlug: String) async throws -> Category? {
        // `read`, not `lookup`: the category carries its product count, a walk of its range.
        try await self.database.read { sql in
            try await Self.category(idOrSlug: idOrSlug, sql: sql)
        }
    }

    public func createCategory(slug: String, name: String, now: Date) async throws -> Category {
        let category = Category(id: Identifier.make(prefix: "cat"), slug: slug, name: name, productCount: 0)
        do {
            return try await self.database.write { sql in
                if try await Self.category(idOrSlug: slug, sql: sql) != nil {
                    throw CatalogError.slugTaken(slug)
                }
                try await sql.raw(
                    """
                    INSERT INTO categories (id, slug, name, created_at)
                    VALUES (\(bind: category.id), \(bind: slug), \(bind: name), \(bind: Timestamp.micros(now)))
                    """
                ).run()
                try await Self.bumpRevision(sql)
                return category
            }
        } catch let error where DatabaseErrors.isUniqueViolation(error) {
            throw CatalogError.slugTaken(slug)
        }
    }

    public func revision() async throws -> Int {
        try await self.database.read { sql in
            try await sql.raw("SELECT revision FROM catalog_revision WHERE id = 1").first()?.decode(column: "revision", as: Int.self) ?? 0
        }
    }

    public func saleableVariants(skus: [String]) async throws -> [SaleableVariant] {
        guard !skus.isEmpty else { return [] }
        return try await self.database.lookup { sql in
            try await sql.raw(
                """
                SELECT v.sku, v.product_id, p.name AS product_name, v.name AS variant_name, v.price_amount, v.currency,
                    v.retired_at, p.archived_at
                FROM variants v JOIN products p ON p.id = v.product_id
                WHERE v.sku IN (\(binds: skus))
                """
            ).all().map { row in
                SaleableVariant(
                    sku: try row.decode(column: "sku", as: String.self),
                    productId: try row.decode(column: "product_id", as: String.self),
                    productName: try row.decode(column: "product_name", as: String.self),
                    variantName: try row.decode(column: "variant_name", as: String.self),
                    price: Money(amount: try row.decode(column: "price_amount", as: Int.self), currency: try row.decode(column: "currency", as: String.self)),
                    archived: try row.decode(column: "retired_at", as: Int?.self) != nil || row.decode(column: "archived_at", as: Int?.self) != nil
                )
            }
        }
    }

    public func categoryCount() async throws -> Int {
        try await self.database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM categories").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    // MARK: Products

    public func listProducts(_ query: ProductQuery) async throws -> (items: [Product], next: PageCursor?) {
        try await self.database.read { sql in
            let rows = try await sql.raw(try Self.listStatement(query, columns: Self.productColumns)).all().map(ProductRow.init(row:))
            let page = Array(rows.prefix(query.limit))
            let variants = try await Self.variants(of: page.map(\.id), sql: sql)
            let items = page.map { $0.product(variants: variants[$0.id] ?? []) }
            let next = rows.count > query.limit ? page.last.map { Self.cursor(after: $0.key, sort: query.sort) } : nil
            return (items, next)
        }
    }

    public func listProductDocuments(_ query: ProductQuery) async throws -> (documents: [String], next: PageCursor?) {
        // A page at a cursor is an index range (migration 5 has one per order); a search
        // scans, so it stays off the caller's thread.
        let isSearch = !(query.search ?? "").isEmpty
        return try await (isSearch ? self.database.read : self.database.lookup) { sql in
            let rows = try await sql.raw(try Self.listStatement(query, columns: Self.documentColumns)).all().map(DocumentRow.init(row:))
            let page = Array(rows.prefix(query.limit))
            var documents: [String] = []
            documents.reserveCapacity(page.count)
            for row in page {
                if let document = row.document {
                    documents.append(document)
                } else if let product = try await Self.liveProduct(id: row.key.id, sql: sql) {
                    // No current document yet: rendered from the columns, as before documents.
                    documents.append(try ProductDocument.render(product))
                }
            }
            let next = rows.count > query.limit ? page.last.map { Self.cursor(after: $0.key, sort: query.sort) } : nil
            return (documents, next)
        }
    }

    public func productDocument(id: String) async throws -> String? {
        try await self.database.lookup { sql in
            let statement: SQLQueryString =
                "SELECT \(unsafeRaw: Self.documentColumns) FROM products p WHERE p.id = \(bind: id) AND p.archived_at IS NULL"
            guard let row = try await sql.raw(statement).first().map(DocumentRow.init(row:)) else { return nil }
            if let document = row.document { return document }
            return try await Self.liveProduct(id: id, sql: sql).map(ProductDocument.render)
        }
    }

    public func renderStaleDocuments() async throws -> Int {
        let batch = 200
        var rendered = 0
        while true {
            let count = try await self.database.write { sql in
                let ids = try await sql.raw(
                    """
                    SELECT id FROM products WHERE archived_at IS NULL AND (document_version IS NULL
                        OR document_version <> \(bind: ProductDocument.version) OR document_updated_at IS NULL
                        OR document_updated_at <> updated_at)
                    ORDER BY seq LIMIT \(literal: batch)
                    """
                ).all().map { try $0.decode(column: "id", as: String.self) }
                for id in ids {
                    _ = try await Self.storeDocument(id: id, sql: sql)
                }
                return ids.count
            }
            rendered += count
            if count < batch { return rendered }
        }
    }

    public func product(id: String) async throws -> Product? {
        try await self.database.lookup { sql in
            try await Self.liveProduct(where: "p.id = \(bind: id)", sql: sql)
        }
    }

    public func product(slug: String) async throws -> Product? {
        try await self.database.lookup { sql in
            try await Self.liveProduct(where: "p.slug = \(bind: slug)", sql: sql)
        }
    }

    public func createProduct(_ draft: ProductDraft, now: Date) async throws -> Product {
        let id = Identifier.make(prefix: "prd")
        do {
            return try await self.database.write { sql in
                try await Self.checkReferences(draft, productId: id, sql: sql)
                let micros = Timestamp.micros(now)
                try await sql.raw(
                    """
                    INSERT INTO products (id, slug, name, sort_name, search_text, description, category_id, image_url,
                                          price_amount, currency, created_at, updated_at)
                    VALUES (\(bind: id), \(bind: draft.slug), \(bind: draft.name), \(bind: SearchText.fold(draft.name)),
                            \(bind: Self.searchText(draft)), \(bind: draft.description), \(bind: draft.categoryId),
                            \(bind: draft.imageUrl), \(bind: draft.price.amount), \(bind: draft.price.currency),
                            \(bind: micros), \(bind: micros))
                    """
                ).run()
                try await Self.writeVariants(draft.variants, productId: id, now: micros, sql: sql)
                try await Self.bumpRevision(sql)
                guard let product = try await Self.storeDocument(id: id, sql: sql) else {
                    throw CatalogError.lostWrite
                }
                return product
            }
        } catch let error where DatabaseErrors.isUniqueViolation(error) {
            throw CatalogError.concurrentChange
        }
    }

    public func updateProduct(id: String, _ draft: ProductDraft, now: Date) async throws -> Product? {
        do {
            return try await self.database.write { sql in
                guard try await Self.liveProduct(id: id, sql: sql) != nil else { return nil }
                try await Self.checkReferences(draft, productId: id, sql: sql)
                let micros = Timestamp.micros(now)
                try await sql.raw(
                    """
                    UPDATE products SET slug = \(bind: draft.slug), name = \(bind: draft.name),
                        sort_name = \(bind: SearchText.fold(draft.name)), search_text = \(bind: Self.searchText(draft)),
                        description = \(bind: draft.description), category_id = \(bind: draft.categoryId),
                        image_url = \(bind: draft.imageUrl), price_amount = \(bind: draft.price.amount),
                        currency = \(bind: draft.price.currency), updated_at = \(bind: micros)
                    WHERE id = \(bind: id)
                    """
                ).run()
                try await Self.writeVariants(draft.variants, productId: id, now: micros, sql: sql)
                try await Self.bumpRevision(sql)
                return try await Self.storeDocument(id: id, sql: sql)
            }
        } catch let error where DatabaseErrors.isUniqueViolation(error) {
            throw CatalogError.concurrentChange
        }
    }

    public func archiveProduct(id: String, now: Date) async throws -> Bool {
        try await self.database.write { sql in
            guard try await Self.liveProduct(id: id, sql: sql) != nil else { return false }
            let micros = Timestamp.micros(now)
            try await sql.raw(
                "UPDATE products SET archived_at = \(bind: micros), updated_at = \(bind: micros) WHERE id = \(bind: id)"
            ).run()
            try await Self.bumpRevision(sql)
            return true
        }
    }
}
