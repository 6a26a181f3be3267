@testable import EmporiumCatalog
import EmporiumDemo
import Testing
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

@Suite struct DemoCatalogTests {
    @Test func isLargeEnoughAndConsistent() {
        let products = DemoCatalog.products()
        #expect(DemoCatalog.categories.count >= 8)
        #expect(products.count >= 200)
        let categorySlugs = Set(DemoCatalog.categories.map(\.slug))
        #expect(products.allSatisfy { categorySlugs.contains($0.categorySlug) })
        let skus = products.flatMap { $0.variants.map(\.sku) }
        #expect(Set(skus).count == skus.count)
        #expect(Set(products.map { Slug.derive(from: $0.name) }).count == products.count)
        #expect(products.allSatisfy { !$0.variants.isEmpty && $0.variants.allSatisfy { $0.priceAmount > 0 } })
    }

    @Test func isDeterministic() {
        let first = DemoCatalog.products().map { "\($0.name)|\($0.variants.map(\.sku))|\($0.variants.map(\.priceAmount))" }
        let second = DemoCatalog.products().map { "\($0.name)|\($0.variants.map(\.sku))|\($0.variants.map(\.priceAmount))" }
        #expect(first == second)
    }
}
