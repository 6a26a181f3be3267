@testable import EmporiumCatalog
import EmporiumCore
import EmporiumTesting
import Foundation
import SQLKit
import Testing

/// The stored documents the list and detail routes send: byte for byte what encoding the
/// product from its columns gives, kept current by every write, and never served stale.
@Suite struct ProductDocumentTests {
    typealias Store = CatalogStoreTests

    static func encoded(_ product: Product) throws -> String {
        String(decoding: try JSONCoding.encoder.encode(product), as: UTF8.self)
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func documentsAreTheProductsEncoded(_ kind: TestDatabaseKind) async throws {
        try await Store.withStore(kind, seeded: true) { store in
            for sort in ProductSort.allCases {
                var cursor: PageCursor?
                repeat {
                    let query = ProductQuery(sort: sort, limit: 50, after: cursor)
                    let products = try await store.listProducts(query)
                    let documents = try await store.listProductDocuments(query)
                    #expect(documents.documents == (try products.items.map(Self.encoded)))
                    #expect(documents.next == products.next)
                    // The page as the route builds it is the page `Page<Product>` encodes.
                    let next = products.next.map { "\($0.id)-cursor" }
                    #expect(
                        try ProductDocument.page(documents.documents, nextCursor: next)
                            == JSONCoding.encoder.encode(Page(items: products.items, nextCursor: next))
                    )
                    cursor = products.next
                } while cursor != nil
            }
            let some = try await store.listProducts(ProductQuery(sort: .name, limit: 5)).items
            for product in some {
                #expect(try await store.productDocument(id: product.id) == (try Self.encoded(product)))
            }
            #expect(try await store.productDocument(id: "prd_missing") == nil)
            #expect(try ProductDocument.page([], nextCursor: nil) == JSONCoding.encoder.encode(Page<Product>(items: [], nextCursor: nil)))
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func writesKeepTheDocumentCurrent(_ kind: TestDatabaseKind) async throws {
        try await Store.withStore(kind) { store in
            let category = try await store.createCategory(slug: "mugs", name: "Mugs", now: Date())
            let created = try await store.createProduct(Store.draft("Blue Mug", category: category.id, skus: ["MUG-B-1"]), now: Date())
            #expect(try await store.productDocument(id: created.id) == (try Self.encoded(created)))
            var draft = Store.draft("Green Mug \"Deluxe\" / Ünïcode", category: category.id, skus: ["MUG-G-1", "MUG-G-2"], amount: 1500)
            draft.imageUrl = "https://example.invalid/a/b.jpg"
            let updated = try #require(try await store.updateProduct(id: created.id, draft, now: Date().addingTimeInterval(1)))
            #expect(try await store.productDocument(id: created.id) == (try Self.encoded(updated)))
            let listed = try await store.listProductDocuments(ProductQuery(sort: .name, limit: 10))
            #expect(listed.documents == [try Self.encoded(updated)])
            #expect(try await store.archiveProduct(id: created.id, now: Date()))
            #expect(try await store.productDocument(id: created.id) == nil)
            #expect(try await store.listProductDocuments(ProductQuery(sort: .name, limit: 10)).documents.isEmpty)
            #expect(try await store.renderStaleDocuments() == 0)
        }
    }

    /// Rows from before documents (NULL), from another version of the JSON, or changed by an
    /// instance that does not write documents (mid rolling upgrade): reads fall back to the
    /// columns, and the start-up pass renders them again.
    @Test(arguments: TestDatabaseKind.allCases)
    func staleDocumentsAreNeverServedAndAreRenderedAgain(_ kind: TestDatabaseKind) async throws {
        try await Store.withStore(kind) { store in
            let category = try await store.createCategory(slug: "mugs", name: "Mugs", now: Date())
            var created: [String] = []
            for index in 0..<5 {
                created.append(try await store.createProduct(Store.draft("Mug \(index)", category: category.id, skus: ["MUG-\(index)"]), now: Date()).id)
            }
            let ids = created
            try await store.database.write { sql in
                try await sql.raw("UPDATE products SET document = NULL, document_version = NULL WHERE id = \(bind: ids[0])").run()
                try await sql.raw("UPDATE products SET document_version = \(bind: ProductDocument.version + 1) WHERE id = \(bind: ids[1])").run()
                // An older instance renames a product: its row changes, its document does not.
                try await sql.raw("UPDATE products SET name = 'Renamed Mug', updated_at = updated_at + 1 WHERE id = \(bind: ids[2])").run()
            }
            let renamed = try #require(try await store.product(id: ids[2]))
            #expect(renamed.name == "Renamed Mug")
            for id in ids {
                let product = try #require(try await store.product(id: id))
                #expect(try await store.productDocument(id: id) == (try Self.encoded(product)))
            }
            let fromColumns = try await store.listProducts(ProductQuery(sort: .newest, limit: 10)).items
            #expect(try await store.listProductDocuments(ProductQuery(sort: .newest, limit: 10)).documents == (try fromColumns.map(Self.encoded)))

            #expect(try await store.renderStaleDocuments() == 3)
            #expect(try await store.renderStaleDocuments() == 0)
            let current = try await store.database.read { sql in
                try await sql.raw("SELECT id, document FROM products WHERE id IN (\(binds: ids)) AND document_version = \(bind: ProductDocument.version) AND document_updated_at = updated_at").all()
                    .map { (try $0.decode(column: "id", as: String.self), try $0.decode(column: "document", as: String.self)) }
            }
            #expect(current.count == ids.count)
            for (id, document) in current {
                let product = try #require(try await store.product(id: id))
                #expect(document == (try Self.encoded(product)))
            }
        }
    }
}
