import EmporiumClients
import EmporiumCore
import Foundation
import Hummingbird
import Logging

/// The catalog pages: home, a category, a product, search. HTML for people: a service that
/// cannot answer is a friendly page with 503, an unknown product a 404 page, never a raw
/// error body.
struct CatalogPagesController: Sendable {
    let shelf: Shelf
    let pages: PageRenderer
    let assets: AssetCatalog
    let logger: Logger

    // Three rows of four on a desktop; the demo's categories hold 13 to 23 products.
    static let pageSize = 12

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        router.get("/") { _, _ in try await self.page { try await self.home() } }
        router.get("/categories/{slug}") { request, context in
            let slug = try context.parameters.require("slug")
            return try await self.page { try await self.category(slug: slug, query: request.formQuery) }
        }
        router.get("/products/{slug}") { _, context in
            let slug = try context.parameters.require("slug")
            return try await self.page { try await self.product(slug: slug) }
        }
        router.get("/search") { request, _ in try await self.page { try await self.search(query: request.formQuery) } }
    }

    /// Every page's headers: HTML, and a policy that lets a page load only this shop's own
    /// styles and images and run no script at all (the JSON-LD block is data, not script),
    /// nor be framed by another site. (NGINX adds nosniff and the referrer policy.)
    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .contentSecurityPolicy: "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ]

    /// A rendered page: the status and the HTML.
    struct Page {
        var status: HTTPResponse.Status = .ok
        let html: String
    }

    private func page(_ build: () async throws -> Page) async throws -> Response {
        var page: Page
        do {
            page = try await build()
        } catch {
            // The shopper sees an apology; the operator sees the cause.
            self.logger.warning("Storefront page failed", metadata: ["error": "\(String(reflecting: error))"])
            page = Page(status: .serviceUnavailable, html: self.render("message", title: "We'll be right back", categories: [], view: [
                "heading": "We'll be right back",
                "text": "The shop could not load this page just now. Please try again in a moment.",
            ]))
        }
        var headers = Self.pageHeaders
        if page.status == .serviceUnavailable { headers[.retryAfter] = "5" }
        return Response(status: page.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page.html)))
    }

    /// `template` inside the layout.
    func render(
        _ template: String, title: String, description: String = "Emporium: a shop you can trust.", canonical: String? = nil,
        categories: [ShelfCategory], current: String? = nil, search: String = "", view: [String: Any]
    ) -> String {
        var context = view
        context["layout"] = LayoutView(
            title: title, description: description, canonical: canonical, stylesheet: self.assets.path("storefront.css"),
            categories: categories.map {
                CategoryLink(name: $0.name, href: "/categories/" + Paths.segment($0.slug), productCount: $0.productCount, current: $0.slug == current)
            },
            search: search
        )
        context["favicon"] = self.assets.path("favicon.svg")
        return self.pages.render(template, context) ?? "<!DOCTYPE html><title>Emporium</title>"
    }

    func home() async throws -> Page {
        async let categories = self.shelf.catalog.categories()
        async let newest = self.shelf.catalog.products(ShelfQuery(sort: "newest", limit: 8))
        let (allCategories, featured) = try await (categories, newest)
        return Page(html: self.render("home", title: "Emporium", canonical: "/", categories: allCategories, view: [
            "products": featured.products.map(ProductCard.init),
            "categoryCount": allCategories.count,
            "productCount": allCategories.reduce(0) { $0 + $1.productCount },
            "categoryCards": allCategories.map {
                CategoryLink(name: $0.name, href: "/categories/" + Paths.segment($0.slug), productCount: $0.productCount, current: false)
            },
        ]))
    }

    func category(slug: String, query: FormQuery) async throws -> Page {
        let categories = try await self.shelf.catalog.categories()
        guard let category = categories.first(where: { $0.slug == slug }) else {
            return self.notFound(categories: categories, what: "We could not find that category.")
        }
        // Whatever a hand-edited URL holds, the page shows something sensible.
        let requested = (try? query["sort"]) ?? nil
        let sort = SortOption.all(selected: "").map(\.value).first { $0 == requested } ?? "name"
        let after = (try? query["after"]) ?? nil
        let cursor = after?.isEmpty == false ? after : nil
        let page: ShelfPage
        do {
            page = try await self.shelf.catalog.products(ShelfQuery(category: category.id, sort: sort, limit: Self.pageSize, cursor: cursor))
        } catch where cursor != nil {
            // A stale or edited "next page" link: start the category again.
            page = try await self.shelf.catalog.products(ShelfQuery(category: category.id, sort: sort, limit: Self.pageSize))
        }
        let base = "/categories/" + Paths.segment(category.slug) + "?sort=" + Paths.segment(sort)
        var view: [String: Any] = [
            "name": category.name,
            "count": category.productCount,
            "action": "/categories/" + Paths.segment(category.slug),
            "sorts": SortOption.all(selected: sort),
            "products": page.products.map(ProductCard.init),
        ]
        // Only present keys render: a link appears when there is somewhere to go.
        if let next = page.nextCursor { view["next"] = base + "&after=" + Paths.segment(next) }
        if cursor != nil { view["first"] = base }
        return Page(html: self.render(
            "category", title: "\(category.name) — Emporium", description: "\(category.name) at Emporium: \(category.productCount) products.",
            canonical: "/categories/" + Paths.segment(category.slug), categories: categories, current: category.slug, view: view
        ))
    }

    func product(slug: String) async throws -> Page {
        async let categories = self.shelf.catalog.categories()
        guard let product = try await self.shelf.catalog.product(idOrSlug: slug), product.slug == slug else {
            return self.notFound(categories: try await categories, what: "We could not find that product.")
        }
        let available = try await self.shelf.available(product.variants.map(\.sku))
        let view = ProductPageView(product, available: available)
        let allCategories = try await categories
        return Page(html: self.render(
            "product", title: "\(product.name) — Emporium", description: view.summary, canonical: view.href,
            categories: allCategories, current: allCategories.first { $0.id == product.categoryId }?.slug,
            view: ["product": view, "jsonLD": view.jsonLD]
        ))
    }

    func search(query: FormQuery) async throws -> Page {
        let typed = ((try? query["q"]) ?? nil) ?? ""
        let text = String(typed.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        let categories = try await self.shelf.catalog.categories()
        let results = text.isEmpty ? [] : try await self.shelf.catalog.products(ShelfQuery(search: text, limit: Self.pageSize)).products
        return Page(html: self.render("search", title: text.isEmpty ? "Search — Emporium" : "\(text) — Search — Emporium", categories: categories, search: text, view: [
            "query": text,
            "searched": !text.isEmpty,
            "products": results.map(ProductCard.init),
            "count": results.count,
        ]))
    }

    func notFound(categories: [ShelfCategory], what: String) -> Page {
        Page(status: .notFound, html: self.render("message", title: "Not found — Emporium", categories: categories, view: [
            "heading": "Not found", "text": what,
        ]))
    }
}
