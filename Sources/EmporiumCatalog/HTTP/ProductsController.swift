import EmporiumCore
import Foundation
import Hummingbird
import Logging

/// `/api/v1/products`: public list and detail, admin create, patch and archive.
struct ProductsController: Sendable {
    let store: any CatalogStore
    let cache: ResponseCache
    let secrets: InstallationSecrets
    let verifier: any TokenVerifier

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        router.get("/api/v1/products", use: self.list)
        router.get("/api/v1/products/{id}", use: self.detail)
        let admin = router.group("/api/v1/products").add(middleware: RequireRole(.admin, verifier: self.verifier))
        admin.post(use: self.create)
        admin.patch("{id}", use: self.update)
        admin.delete("{id}", use: self.archive)
    }

    @Sendable func list(_ request: Request, context: EmporiumRequestContext) async throws -> Response {
        let parameters = request.formQuery
        let sortText = try parameters["sort"] ?? ProductSort.name.rawValue
        guard let sort = ProductSort(rawValue: sortText) else {
            throw Problem.badRequest(
                "sort must be one of name, price, -price, newest.",
                errors: [FieldError(field: "sort", message: "unknown sort")]
            )
        }
        let limit = try PageLimit.parse(try parameters["limit"])
        let cursorKey = try await self.secrets.key(named: PageCursor.secretName)
        // An empty `cursor=` is the first page, as an absent one is.
        let cursorText = try parameters["cursor"] ?? ""
        let cursor = try cursorText.isEmpty ? nil : PageCursor.decode(cursorText, sort: sort.rawValue, signingKey: cursorKey)
        let search = try parameters["q"]
        if let search, search.count > 200 {
            throw Problem.badRequest("q must be at most 200 characters.", errors: [FieldError(field: "q", message: "too long")])
        }
        // Matching folds case, so `q=Mug` and `q=mug` are one search and one cache entry.
        let folded = SearchText.fold(search ?? "")
        var categoryId: String?
        if let category = try parameters["category"], !category.isEmpty {
            guard let found = try await self.categoryId(category) else {
                // An unknown category is an empty list, not an error (API.md), and not
                // cached: made-up names must not take cache space.
                return Self.jsonResponse(Self.emptyPage, status: .ok, etag: nil)
            }
            categoryId = found
        }
        // Only canonical parts: the resolved category id (slug and id share an entry), the
        // folded search, the validated sort and limit, and the cursor as given, which is
        // canonical once it has decoded: base64url with one spelling per value, signed
        // over its payload (a payload an older version formatted otherwise is only a
        // second entry for the same page).
        let key = "list\u{1}\(categoryId ?? "")\u{1}\(folded)\u{1}\(sort.rawValue)\u{1}\(limit)\u{1}\(cursorText)"
        let cached = try await self.cache.representation(for: key) {
            let query = ProductQuery(categoryId: categoryId, search: folded, sort: sort, limit: limit, after: cursor)
            let page = try await self.store.listProductDocuments(query)
            return .init(body: try ProductDocument.page(page.documents, nextCursor: page.next?.encoded(signingKey: cursorKey)), etag: nil)
        }
        return Self.jsonResponse(cached.body ?? ByteBuffer(), status: .ok, etag: nil)
    }

    /// The id of the category named by `idOrSlug`, or nil when there is none. Only a
    /// well-formed slug or id is looked up, and only found ones are cached.
    func categoryId(_ idOrSlug: String) async throws -> String? {
        guard Slug.isValid(idOrSlug) || CatalogIds.isWellFormed(idOrSlug, prefix: CatalogIds.category) else { return nil }
        let resolved = try await self.cache.representation(for: "category\u{1}" + idOrSlug) {
            guard let found = try await self.store.category(idOrSlug: idOrSlug) else { return .init(body: nil, etag: nil) }
            return .init(body: Data(found.id.utf8), etag: nil)
        }
        return resolved.body.map { String(buffer: $0) }
    }

    static let emptyPage = ByteBuffer(bytes: (try? JSONCoding.encoder.encode(Page<Product>(items: [], nextCursor: nil))) ?? Data())

    @Sendable func detail(_ request: Request, context: EmporiumRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        // An id that no product can have is a 404 without a database read or a cache entry.
        guard CatalogIds.isWellFormed(id, prefix: CatalogIds.product) else {
            throw Problem.notFound("No product has id \(id).")
        }
        let cached = try await self.cache.representation(for: "product\u{1}" + id) {
            guard let document = try await self.store.productDocument(id: id) else { return .init(body: nil, etag: nil) }
            let body = Data(document.utf8)
            return .init(body: body, etag: ETag.strong(for: body))
        }
        guard let body = cached.body, let etag = cached.etag else {
            throw Problem.notFound("No product has id \(id).")
        }
        if let ifNoneMatch = request.headers[.ifNoneMatch], ETag.matches(ifNoneMatch, etag) {
            return Response(status: .notModified, headers: [.eTag: etag])
        }
        return Self.jsonResponse(body, status: .ok, etag: etag)
    }

    @Sendable func create(_ request: Request, context: EmporiumRequestContext) async throws -> Response {
        let input = try await request.decodeJSON(CreateProductRequest.self, context: context)
        var draft = input.draft()
        if input.slug == nil, draft.slug.isEmpty {
            // A name with nothing ASCII in it still gets a usable, unique slug.
            draft.slug = "product-" + Identifier.make(prefix: "p").dropFirst(2).prefix(8)
        }
        try ProductRules.validate(draft)
        let product = try await self.store.createProduct(draft, now: Date())
        self.cache.invalidate()
        context.logger.info("Product created", metadata: ["product.id": "\(product.id)"])
        var response = try Self.representation(product, status: .created)
        response.headers[.location] = "/api/v1/products/\(product.id)"
        return response
    }

    @Sendable func update(_ request: Request, context: EmporiumRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let patch = try await request.decodeJSON(UpdateProductRequest.self, context: context)
        guard let current = try await self.store.product(id: id) else {
            throw Problem.notFound("No product has id \(id).")
        }
        let draft = try patch.applied(to: current)
        try ProductRules.validate(draft)
        guard let product = try await self.store.updateProduct(id: id, draft, now: Date()) else {
            throw Problem.notFound("No product has id \(id).")
        }
        self.cache.invalidate()
        return try Self.representation(product, status: .ok)
    }

    @Sendable func archive(_ request: Request, context: EmporiumRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await self.store.archiveProduct(id: id, now: Date()) else {
            throw Problem.notFound("No product has id \(id).")
        }
        self.cache.invalidate()
        context.logger.info("Product archived", metadata: ["product.id": "\(id)"])
        return Response(status: .noContent)
    }

    /// The product's JSON with a strong ETag computed from exactly those bytes, so every
    /// instance gives the same product the same tag.
    static func representation(_ product: Product, status: HTTPResponse.Status) throws -> Response {
        let body = try JSONCoding.encoder.encode(product)
        return self.jsonResponse(ByteBuffer(bytes: body), status: status, etag: ETag.strong(for: body))
    }

    static func jsonResponse(_ body: ByteBuffer, status: HTTPResponse.Status, etag: String?) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers[.eTag] = etag
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}
