import EmporiumCore
import Foundation

/// A product's API representation as stored beside its row: the exact bytes the detail
/// route sends and a list page joins, encoded once when the product is written instead of
/// on every read (an uncached list page of 20 products used to re-read ~80 rows and encode
/// ~15 KB of JSON per request).
enum ProductDocument {
    /// Bump when `Product`'s JSON changes (a field added, renamed, formatted otherwise):
    /// stored documents of another version are then ignored by reads and rendered again
    /// when the service starts (`SQLCatalogStore.renderStaleDocuments`).
    static let version = 1

    static func render(_ product: Product) throws -> String {
        String(decoding: try JSONCoding.encoder.encode(product), as: UTF8.self)
    }

    /// A page as `Page<Product>` encodes it, `{"items":[…],"nextCursor":…}` (sorted keys),
    /// from the items' stored documents.
    static func page(_ documents: [String], nextCursor: String?) throws -> Data {
        let cursor = try nextCursor.map { try JSONCoding.encoder.encode($0) } ?? Data("null".utf8)
        var body = Data()
        body.reserveCapacity(documents.reduce(32 + cursor.count) { $0 + $1.utf8.count + 1 })
        body.append(contentsOf: #"{"items":["#.utf8)
        for (index, document) in documents.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: document.utf8)
        }
        body.append(contentsOf: #"],"nextCursor":"#.utf8)
        body.append(cursor)
        body.append(UInt8(ascii: "}"))
        return body
    }
}
