import ArgumentParser
import Foundation
import NIOHTTP1

/// What the shoppers pick from, read once before the load: category ids, product ids, SKUs
/// and the words of product names (search terms that find something).
struct LoadCatalog: Sendable {
    var categories: [String] = []
    var products: [String] = []
    var skus: [String] = []
    var words: [String] = []

    static func read(_ client: LoadHTTP) async throws -> LoadCatalog {
        var catalog = LoadCatalog()
        let categories = await client.send(.GET, "/api/v1/categories")
        guard categories.ok else { throw ValidationError("GET /api/v1/categories answered \(categories.failure ?? "?")") }
        catalog.categories = (categories.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }

        var words = Set<String>()
        var cursor: String?
        // Every page of the product list (bounded: 100 pages of 100 is more than any demo).
        for _ in 0..<100 {
            let page = await client.send(.GET, "/api/v1/products?limit=100" + (cursor.map { "&cursor=" + queryEscaped($0) } ?? ""))
            guard page.ok else { throw ValidationError("GET /api/v1/products answered \(page.failure ?? "?")") }
            let json = page.json()
            for product in json["items"] as? [[String: Any]] ?? [] {
                guard let id = product["id"] as? String else { continue }
                catalog.products.append(id)
                catalog.skus += (product["variants"] as? [[String: Any]] ?? []).compactMap { $0["sku"] as? String }
                for word in ((product["name"] as? String) ?? "").lowercased().split(whereSeparator: { !$0.isLetter }) where word.count >= 3 {
                    words.insert(String(word))
                }
            }
            cursor = json["nextCursor"] as? String
            if cursor == nil { break }
        }
        catalog.words = words.sorted()
        guard !catalog.categories.isEmpty, !catalog.products.isEmpty, !catalog.skus.isEmpty, !catalog.words.isEmpty else {
            throw ValidationError("the catalog is empty (\(catalog.categories.count) categories, \(catalog.products.count) products)")
        }
        return catalog
    }
}
