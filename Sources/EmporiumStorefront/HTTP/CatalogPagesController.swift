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
    let kit: PageKit

    // Three rows of four on a desktop; the demo's categories hold 13 to 23 products.
    static let pageSize = 12

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        // Each page is the same for every shopper but the header's account links and the
        // form's CSRF token: rendered once, kept a few seconds, filled in per request.
        router.get("/") { request, context in
            await self.kit.handle(request, context) { visit in
                // A notice after a redirect is this shopper's: that page is not shared.
                if let notice = Notice.text(request.formQuery) { return .page(try await self.home(visit, notice: notice)) }
                return try await self.kit.shared("/", visit) { try await self.home(nil, notice: nil) }
            }
        }
        router.get("/categories/{slug}") { request, context in
            let slug = context.parameters.get("slug") ?? ""
            let query = request.formQuery
            let sort = Self.sort(query)
            let after = ((try? query["after"]) ?? nil).flatMap { $0.isEmpty ? nil : $0 }
            return await self.kit.handle(request, context) { visit in
                try await self.kit.shared("c\u{0}\(slug)\u{0}\(sort)\u{0}\(after ?? "")", visit) {
                    try await self.category(slug: slug, sort: sort, after: after)
                }
            }
        }
        router.get("/products/{slug}") { request, context in
            let slug = context.parameters.get("slug") ?? ""
            return await self.kit.handle(request, context) { visit in
                // The add-to-cart form needs the session's CSRF token: a first visit gets its session here.
                _ = visit.session()
                return try await self.kit.shared("p\u{0}" + slug, visit) { try await self.product(slug: slug) }
            }
        }
        router.get("/search") { request, context in
            let text = Self.searchText(request.formQuery)
            return await self.kit.handle(request, context) { visit in
                try await self.kit.shared("s\u{0}" + text, visit) { try await self.search(text) }
            }
        }
    }

    /// The sort a listing uses: the one asked for if it is one of ours, else by name
    /// (whatever a hand-edited URL holds, the page shows something sensible).
    static func sort(_ query: FormQuery) -> String {
        let requested = (try? query["sort"]) ?? nil
        return SortOption.all(selected: "").map(\.value).first { $0 == requested } ?? "name"
    }

    static func searchText(_ query: FormQuery) -> String {
        let typed = ((try? query["q"]) ?? nil) ?? ""
        return String(typed.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
    }

    func home(_ visit: Visit?, notice: String?) async throws -> PageKit.Page {
        async let categories = self.shelf.catalog.categories()
        async let newest = self.shelf.catalog.products(ShelfQuery(sort: "newest", limit: 8))
        let (allCategories, featured) = try await (categories, newest)
        return .init(html: self.kit.render("home", visit, title: "Emporium", canonical: "/", categories: allCategories, notice: notice, view: [
            "products": featured.products.map(ProductCard.init),
            "categoryCount": allCategories.count,
            "productCount": allCategories.reduce(0) { $0 + $1.productCount },
            "categoryCards": allCategories.map {
                CategoryLink(name: $0.name, href: "/categories/" + Paths.segment($0.slug), productCount: $0.productCount, current: false)
            },
        ]))
    }

    func category(slug: String, sort: String, after: String?) async throws -> PageKit.Page {
        let categories = try await self.shelf.catalog.categories()
        guard let category = categories.first(where: { $0.slug == slug }) else {
            return self.notFound(categories: categories, what: "We could not find that category.")
        }
        let cursor = after
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
        return .init(html: self.kit.render(
            "category", nil, title: "\(category.name) — Emporium", description: "\(category.name) at Emporium: \(category.productCount) products.",
            canonical: "/categories/" + Paths.segment(category.slug), categories: categories, current: category.slug, view: view
        ))
    }

    func product(slug: String) async throws -> PageKit.Page {
        async let categories = self.shelf.catalog.categories()
        guard let product = try await self.shelf.catalog.product(idOrSlug: slug), product.slug == slug else {
            return self.notFound(categories: try await categories, what: "We could not find that product.")
        }
        let available = try await self.shelf.available(product.variants.map(\.sku))
        let view = ProductPageView(product, available: available)
        let allCategories = try await categories
        return .init(html: self.kit.render(
            "product", nil, title: "\(product.name) — Emporium", description: view.summary, canonical: view.href,
            categories: allCategories, current: allCategories.first { $0.id == product.categoryId }?.slug,
            view: ["product": view, "jsonLD": view.jsonLD]
        ))
    }

    func search(_ text: String) async throws -> PageKit.Page {
        let categories = try await self.shelf.catalog.categories()
        let results = text.isEmpty ? [] : try await self.shelf.catalog.products(ShelfQuery(search: text, limit: Self.pageSize)).products
        return .init(html: self.kit.render("search", nil, title: text.isEmpty ? "Search — Emporium" : "\(text) — Search — Emporium", categories: categories, search: text, view: [
            "query": text,
            "searched": !text.isEmpty,
            "products": results.map(ProductCard.init),
            "count": results.count,
        ]))
    }

    func notFound(categories: [ShelfCategory], what: String) -> PageKit.Page {
        .init(status: .notFound, html: self.kit.render("message", nil, title: "Not found — Emporium", categories: categories, view: [
            "heading": "Not found", "text": what,
        ]))
    }
}
