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
        router.get("/") { request, context in
            await self.kit.handle(request, context) { visit in try await self.home(visit, notice: Notice.text(request.formQuery)) }
        }
        router.get("/categories/{slug}") { request, context in
            let slug = context.parameters.get("slug") ?? ""
            return await self.kit.handle(request, context) { visit in try await self.category(visit, slug: slug, query: request.formQuery) }
        }
        router.get("/products/{slug}") { request, context in
            let slug = context.parameters.get("slug") ?? ""
            return await self.kit.handle(request, context) { visit in try await self.product(&visit, slug: slug) }
        }
        router.get("/search") { request, context in
            await self.kit.handle(request, context) { visit in try await self.search(visit, query: request.formQuery) }
        }
    }

    func home(_ visit: Visit, notice: String?) async throws -> PageKit.Outcome {
        async let categories = self.shelf.catalog.categories()
        async let newest = self.shelf.catalog.products(ShelfQuery(sort: "newest", limit: 8))
        let (allCategories, featured) = try await (categories, newest)
        return .page(.init(html: self.kit.render("home", visit, title: "Emporium", canonical: "/", categories: allCategories, notice: notice, view: [
            "products": featured.products.map(ProductCard.init),
            "categoryCount": allCategories.count,
            "productCount": allCategories.reduce(0) { $0 + $1.productCount },
            "categoryCards": allCategories.map {
                CategoryLink(name: $0.name, href: "/categories/" + Paths.segment($0.slug), productCount: $0.productCount, current: false)
            },
        ])))
    }

    func category(_ visit: Visit, slug: String, query: FormQuery) async throws -> PageKit.Outcome {
        let categories = try await self.shelf.catalog.categories()
        guard let category = categories.first(where: { $0.slug == slug }) else {
            return self.notFound(visit, categories: categories, what: "We could not find that category.")
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
        return .page(.init(html: self.kit.render(
            "category", visit, title: "\(category.name) — Emporium", description: "\(category.name) at Emporium: \(category.productCount) products.",
            canonical: "/categories/" + Paths.segment(category.slug), categories: categories, current: category.slug, view: view
        )))
    }

    func product(_ visit: inout Visit, slug: String) async throws -> PageKit.Outcome {
        async let categories = self.shelf.catalog.categories()
        guard let product = try await self.shelf.catalog.product(idOrSlug: slug), product.slug == slug else {
            return self.notFound(visit, categories: try await categories, what: "We could not find that product.")
        }
        let available = try await self.shelf.available(product.variants.map(\.sku))
        let view = ProductPageView(product, available: available)
        let allCategories = try await categories
        // The add-to-cart form needs the session's CSRF token: a first visit gets its session here.
        _ = visit.session()
        return .page(.init(html: self.kit.render(
            "product", visit, title: "\(product.name) — Emporium", description: view.summary, canonical: view.href,
            categories: allCategories, current: allCategories.first { $0.id == product.categoryId }?.slug,
            view: ["product": view, "jsonLD": view.jsonLD]
        )))
    }

    func search(_ visit: Visit, query: FormQuery) async throws -> PageKit.Outcome {
        let typed = ((try? query["q"]) ?? nil) ?? ""
        let text = String(typed.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        let categories = try await self.shelf.catalog.categories()
        let results = text.isEmpty ? [] : try await self.shelf.catalog.products(ShelfQuery(search: text, limit: Self.pageSize)).products
        return .page(.init(html: self.kit.render("search", visit, title: text.isEmpty ? "Search — Emporium" : "\(text) — Search — Emporium", categories: categories, search: text, view: [
            "query": text,
            "searched": !text.isEmpty,
            "products": results.map(ProductCard.init),
            "count": results.count,
        ])))
    }

    func notFound(_ visit: Visit, categories: [ShelfCategory], what: String) -> PageKit.Outcome {
        .page(.init(status: .notFound, html: self.kit.render("message", visit, title: "Not found — Emporium", categories: categories, view: [
            "heading": "Not found", "text": what,
        ])))
    }
}
