import EmporiumCore
import Foundation
import Hummingbird

/// `/api/v1/categories`: public list, admin create.
struct CategoriesController: Sendable {
    let store: any CatalogStore
    let cache: ResponseCache
    let verifier: any TokenVerifier

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        router.get("/api/v1/categories") { _, _ in
            let cached = try await self.cache.representation(for: "categories") {
                .init(body: try JSONCoding.encoder.encode(Page(items: try await self.store.listCategories(), nextCursor: nil)), etag: nil)
            }
            return ProductsController.jsonResponse(cached.body ?? ByteBuffer(), status: .ok, etag: nil)
        }
        router.group("/api/v1/categories")
            .add(middleware: RequireRole(.admin, verifier: self.verifier))
            .post { request, context in
                let input = try await request.decodeJSON(CreateCategoryRequest.self, context: context)
                try input.validate()
                let category = try await self.store.createCategory(slug: input.slug, name: input.name, now: Date())
                self.cache.invalidate()
                return EditedResponse(status: .created, response: category)
            }
    }
}
