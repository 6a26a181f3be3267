import EmporiumCatalog
import EmporiumClients
import EmporiumCore
import EmporiumInventory
@testable import EmporiumStorefront
import EmporiumTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The storefront's catalog pages on the demo catalog, through catalog's and inventory's
/// gRPC APIs as the embedded default runs them.
@Suite struct CatalogPagesTests {
    static func withShop(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        _ = try await TestPlatform.with(
            .sqlite, services: [CatalogService.self, InventoryService.self, StorefrontService.self], environment: ["EMPORIUM_SEED_DEMO": "true"]
        ) { platform in
            try await platform.buildApplication().test(.router) { client in try await body(client) }
        }
    }

    static func get(_ client: any TestClientProtocol, _ uri: String) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String) {
        try await client.execute(uri: uri, method: .get) { ($0.status, $0.headers, String(buffer: $0.body)) }
    }

    /// Every `href="…"` in `html` that starts with `prefix`.
    static func links(_ html: String, _ prefix: String) -> [String] {
        html.components(separatedBy: "href=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
            .map { $0.replacingOccurrences(of: "&amp;", with: "&") }.filter { $0.hasPrefix(prefix) }
    }

    @Test func homeCategoryAndProductPages() async throws {
        try await Self.withShop { client in
            let home = try await Self.get(client, "/")
            #expect(home.status == .ok && home.headers[.contentType] == "text/html; charset=utf-8")
            // No script runs on a page; styles and images come from the shop only.
            #expect(home.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(home.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(home.body.contains("<title>Emporium</title>") && home.body.contains("New arrivals"))
            let categories = Self.links(home.body, "/categories/")
            #expect(Set(categories).count >= 8)

            // The biggest category, by the counts its tile shows.
            let tiles = try Regex(#"<a href="(/categories/[a-z0-9-]+)"><span class="tile-name">[^<]*</span> <span class="tile-count">(\d+) products"#)
            let (path, count) = try #require(home.body.matches(of: tiles).map { (String($0.output[1].substring ?? ""), Int($0.output[2].substring ?? "") ?? 0) }.max { $0.1 < $1.1 })
            #expect(count > CatalogPagesController.pageSize)
            // 12 products a page; following "Next page" reaches every one exactly once.
            var seen: [String] = []
            var next: String? = path + "?sort=price"
            while let uri = next {
                let page = try await Self.get(client, uri)
                #expect(page.status == .ok)
                seen += Self.links(page.body, "/products/")
                next = Self.links(page.body, path + "?sort=price&after=").first
            }
            #expect(seen.count == count && Set(seen).count == seen.count, "\(seen.count) of \(count) from \(path)")

            // A product page: variants with stock, a canonical link, a description, JSON-LD offers.
            let product = try await Self.get(client, try #require(seen.first))
            #expect(product.status == .ok)
            #expect(product.body.contains("<link rel=\"canonical\" href=\"\(seen[0])\">"))
            #expect(product.body.contains("<meta name=\"description\" content=\""))
            #expect(product.body.contains("type=\"radio\"") && product.body.contains("In stock"))
            let script = try #require(product.body.components(separatedBy: "<script type=\"application/ld+json\">").last?.components(separatedBy: "</script>").first)
            let jsonLD = try #require(try JSONSerialization.jsonObject(with: Data(script.utf8)) as? [String: Any])
            #expect(jsonLD["@type"] as? String == "Product")
            let offers = try #require(jsonLD["offers"] as? [[String: Any]])
            #expect(!offers.isEmpty && offers.allSatisfy { $0["availability"] as? String == "https://schema.org/InStock" && $0["priceCurrency"] as? String == "USD" })

            // Its picture: an SVG drawn for it, cached.
            let imagePath = "/images/products/" + seen[0].dropFirst("/products/".count) + ".svg"
            #expect(product.body.contains("src=\"\(imagePath)\""))
            let image = try await Self.get(client, imagePath)
            #expect(image.status == .ok && image.headers[.contentType] == "image/svg+xml" && image.body.hasPrefix("<svg"))
        }
    }

    @Test func unknownPagesAreFriendly404sAndSearchReadsFormEncoding() async throws {
        try await Self.withShop { client in
            for uri in ["/products/no-such-thing", "/categories/no-such-category"] {
                let page = try await Self.get(client, uri)
                #expect(page.status == .notFound && page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.body.contains("Not found") && page.body.contains("<!DOCTYPE html>"))
            }
            // A browser's search form sends spaces as `+`.
            let search = try await Self.get(client, "/search?q=cutting+board")
            #expect(search.status == .ok && search.body.contains("Bamboo Cutting Board"))
            #expect(search.body.contains("value=\"cutting board\""))
            let nothing = try await Self.get(client, "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
            #expect(nothing.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !nothing.body.contains("<script>alert(1)"))
            // A hand-edited sort or cursor still gives a page.
            #expect(try await Self.get(client, "/categories/kitchen?sort=bogus&after=forged").status == .ok)
        }
    }

    @Test func assetsAreFingerprintedAndCachedForAYear() async throws {
        try await Self.withShop { client in
            let home = try await Self.get(client, "/")
            let stylesheet = try #require(Self.links(home.body, "/assets/storefront."))
            #expect(stylesheet.first?.range(of: #"^/assets/storefront\.[0-9a-f]{10}\.css$"#, options: .regularExpression) != nil)
            let css = try await Self.get(client, try #require(stylesheet.first))
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.headers[.cacheControl] == "public, max-age=31536000, immutable")
            let icon = try await Self.get(client, try #require(Self.links(home.body, "/assets/favicon.").first))
            #expect(icon.headers[.contentType] == "image/svg+xml")
            #expect(try await Self.get(client, "/assets/storefront.0000000000.css").status == .notFound)
        }
    }

    /// Text from the catalog is HTML-escaped everywhere it appears.
    @Test func catalogTextIsEscaped() async throws {
        _ = try await TestPlatform.with(.sqlite, services: [CatalogService.self, InventoryService.self, StorefrontService.self]) { platform in
            try await platform.buildApplication().test(.router) { client in
                let json: (String) -> ByteBuffer = { ByteBuffer(string: $0) }
                let admin: HTTPFields = [.authorization: "Bearer \(TestTokenVerifier.adminToken)", .contentType: "application/json"]
                let category = try await client.execute(uri: "/api/v1/categories", method: .post, headers: admin, body: json(#"{"slug":"x-tags","name":"<b>Tags</b> & more"}"#)) {
                    try JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as? [String: Any]
                }
                let categoryId = try #require(category?["id"] as? String)
                let body = #"{"name":"<script>alert('x')</script> \"Mug\"","slug":"evil-mug","description":"</script><img src=x onerror=alert(1)>","categoryId":"\#(categoryId)","variants":[{"sku":"EVIL-1","name":"<i>One</i>","price":{"amount":500,"currency":"USD"}}]}"#
                try await client.execute(uri: "/api/v1/products", method: .post, headers: admin, body: json(body)) { #expect($0.status == .created) }
                let page = try await Self.get(client, "/products/evil-mug")
                #expect(page.status == .ok)
                #expect(!page.body.contains("<script>alert") && !page.body.contains("<img src=x") && !page.body.contains("<b>Tags</b>") && !page.body.contains("<i>One</i>"))
                #expect(page.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") || page.body.contains("&lt;script&gt;alert("))
                // Inside the JSON-LD script, `<` is a JSON escape, so the description cannot end it.
                let script = try #require(page.body.components(separatedBy: "<script type=\"application/ld+json\">").last?.components(separatedBy: "</script>").first)
                #expect(script.contains("\\u003c/script\\u003e"))
                #expect(page.body.components(separatedBy: "</script>").count == 2)
            }
        }
    }
}
