@testable import EmporiumCatalog
@testable import EmporiumCore
import EmporiumTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// The response cache cannot be grown by anyone who can send URLs: it is bounded by bytes
/// (least recently used out first), it keeps only canonical answers that exist, and list
/// cursors are signed so they cannot be made up.
@Suite struct ResponseCacheBoundTests {
    /// Boots the catalog with a response cache of `byteLimit` bytes and hands the client and
    /// the cache to the test.
    static func with(
        _ kind: TestDatabaseKind = .sqlite,
        byteLimit: Int,
        seeded: Bool = true,
        _ body: @escaping @Sendable (any TestClientProtocol, ResponseCache) async throws -> Void
    ) async throws {
        let box = Mutex<ResponseCache?>(nil)
        _ = try await TestPlatform.with(kind, units: { database in
            let store = SQLCatalogStore(database: database)
            let cache = ResponseCache(store: store, byteLimit: byteLimit)
            box.withLock { $0 = cache }
            return [CatalogService.unit(store: store, cache: cache, verifier: TestTokenVerifier(), seedDemo: seeded)]
        }) { platform in
            let cache = try #require(box.withLock { $0 })
            try await platform.buildApplication().test(.router) { client in
                try await body(client, cache)
            }
        }
    }

    static func hex(_ value: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 24 - digits.count)) + digits
    }

    /// Thousands of unique URLs of every kind an attacker can vary; the cache's byte total
    /// never passes its bound, and misses take no space at all.
    @Test(arguments: TestDatabaseKind.allCases)
    func floodOfUniqueURLsStaysWithinTheByteBound(_ kind: TestDatabaseKind) async throws {
        let limit = 256 * 1024
        try await Self.with(kind, byteLimit: limit) { client, cache in
            // Misses first: made-up ids (malformed and well-formed), unknown categories and
            // forged cursors are answered without a single cache entry.
            for i in 0..<800 {
                let uris = [
                    "/api/v1/products/prd_nope\(i)",
                    "/api/v1/products/prd_\(Self.hex(i))",
                    "/api/v1/products?category=no-such-\(i)",
                    "/api/v1/products?category=cat_\(Self.hex(i))",
                    "/api/v1/products?cursor=\(Base64URL.encode(Data(#"{"sort":"name","text":"a\#(i)","id":"x"}"#.utf8)))",
                ]
                for uri in uris {
                    let status = try await client.execute(uri: uri, method: .get) { $0.status }
                    #expect([.notFound, .ok, .badRequest].contains(status), "\(uri)")
                }
            }
            #expect(cache.usage.entries == 0, "misses were cached: \(cache.usage)")
            #expect(cache.usage.bytes == 0)
            // Real answers: unique searches and every product, many times the bound.
            let ids = try await client.execute(uri: "/api/v1/products?limit=100", method: .get) { try $0.decode(API.Page<API.Product>.self).items.map(\.id) }
            var peak = 0
            for i in 0..<1_200 {
                let uri = i % 2 == 0 ? "/api/v1/products?q=\(["a", "e", "o", "s"][i % 4])&limit=\(1 + i % 100)&sort=\(["name", "price", "-price", "newest"][i % 4])" : "/api/v1/products/\(ids[i % ids.count])"
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .ok, "\(uri)") }
                try await client.execute(uri: "/api/v1/products?q=zz\(i)", method: .get) { #expect($0.status == .ok) }
                let usage = cache.usage
                peak = max(peak, usage.bytes)
                #expect(usage.bytes <= limit, "over the bound after \(i): \(usage)")
            }
            // The cache was used (and full), just never beyond its bound.
            #expect(peak > limit / 2, "peak \(peak)")
            #expect(cache.usage.entries > 10)
        }
    }

    /// A cursor the catalog did not sign (hand-made, edited, or the old unsigned format) is
    /// a 400; real cursors still page through every product exactly once.
    @Test(arguments: TestDatabaseKind.allCases)
    func forgedCursorsAre400AndRealOnesPage(_ kind: TestDatabaseKind) async throws {
        try await Self.with(kind, byteLimit: ResponseCache.defaultByteLimit) { client, _ in
            let real = try await client.execute(uri: "/api/v1/products?limit=5&sort=price", method: .get) {
                try #require(try $0.decode(API.Page<API.Product>.self).nextCursor)
            }
            let parts = real.split(separator: ".").map(String.init)
            #expect(parts.count == 2)
            let unsigned = Base64URL.encode(Data(#"{"sort":"price","number":0,"id":""}"#.utf8))
            let edited = Base64URL.encode(Data(#"{"sort":"price","number":1,"id":""}"#.utf8)) + "." + parts[1]
            for forged in [unsigned, edited, parts[0], parts[0] + "." + String(parts[1].reversed()), real + "x"] {
                try await client.execute(uri: "/api/v1/products?limit=5&sort=price&cursor=\(forged)", method: .get) { response in
                    response.expectProblem(.badRequest)
                    #expect(response.errorFields == ["cursor"])
                }
            }
            try await client.execute(uri: "/api/v1/products?limit=5&sort=price&cursor=\(real)", method: .get) {
                #expect($0.status == .ok)
                let page = try $0.decode(API.Page<API.Product>.self)
                #expect(page.items.count == 5)
            }
            for sort in ["name", "price", "-price", "newest"] {
                let ids = try await client.pagedIds("sort=\(sort)", limit: 17)
                #expect(ids.count >= 200)
                #expect(Set(ids).count == ids.count)
            }
        }
    }

    /// A bound of 0 (`EMPORIUM_CATALOG_CACHE_BYTES=0`) caches nothing, and every answer is
    /// still right: how the benchmark measures uncached reads.
    @Test func aZeroBoundCachesNothing() async throws {
        try await Self.with(byteLimit: 0) { client, cache in
            let ids = try await client.execute(uri: "/api/v1/products?limit=50", method: .get) { try $0.decode(API.Page<API.Product>.self).items.map(\.id) }
            #expect(ids.count == 50)
            for id in ids + ids {
                try await client.execute(uri: "/api/v1/products/\(id)", method: .get) {
                    #expect($0.status == .ok)
                    let product = try $0.decode(API.Product.self)
                    #expect(product.id == id)
                }
            }
            #expect(cache.usage.entries == 0 && cache.usage.bytes == 0)
        }
    }

    /// A category named by slug or by id is one list; an unknown one is an empty 200.
    @Test func categoryBySlugOrIdAndUnknownOnes() async throws {
        try await Self.with(byteLimit: ResponseCache.defaultByteLimit) { client, cache in
            let categories = try await client.execute(uri: "/api/v1/categories", method: .get) { try $0.decode(API.Page<API.Category>.self).items }
            let footwear = try #require(categories.first { $0.slug == "footwear" })
            let id = footwear.id
            let bySlug = try await client.execute(uri: "/api/v1/products?category=footwear", method: .get) { String(buffer: $0.body) }
            let byId = try await client.execute(uri: "/api/v1/products?category=\(id)", method: .get) { String(buffer: $0.body) }
            #expect(bySlug == byId)
            let before = cache.usage.entries
            for unknown in ["cat_\(Self.hex(7))", "no-such", "NOT%20A%20SLUG", String(repeating: "a", count: 150)] {
                try await client.execute(uri: "/api/v1/products?category=\(unknown)", method: .get) { response in
                    #expect(response.status == .ok)
                    let page = try response.decode(API.Page<API.Product>.self)
                    #expect(page.items.isEmpty)
                    // Raw: `nextCursor` is there even when null.
                    #expect(response.rawJSON.keys.contains("nextCursor"))
                }
            }
            #expect(cache.usage.entries == before)
        }
    }
}
