import EmporiumCore
import EmporiumProto
import Foundation
import GRPCCore

/// The storefront's reads: the same answers, rules and cursors as `GET /api/v1/categories`
/// and `/api/v1/products`, as messages.
extension CatalogRPCService {
    func listCategories(
        request: Emporium_Catalog_V1_ListCategoriesRequest,
        context: ServerContext
    ) async throws -> Emporium_Catalog_V1_ListCategoriesResponse {
        var response = Emporium_Catalog_V1_ListCategoriesResponse()
        response.categories = try await self.store.listCategories().map { category in
            var message = Emporium_Catalog_V1_Category()
            message.id = category.id
            message.slug = category.slug
            message.name = category.name
            message.productCount = Int64(category.productCount)
            return message
        }
        return response
    }

    func listProducts(
        request: Emporium_Catalog_V1_ListProductsRequest,
        context: ServerContext
    ) async throws -> Emporium_Catalog_V1_ListProductsResponse {
        guard let sort = request.sort.isEmpty ? .name : ProductSort(rawValue: request.sort) else {
            throw RPCError(code: .invalidArgument, message: "sort must be one of name, price, -price, newest.")
        }
        let limit = request.limit == 0 ? 20 : Int(request.limit)
        guard (1...100).contains(limit) else {
            throw RPCError(code: .invalidArgument, message: "limit must be 1 to 100.")
        }
        guard request.query.count <= 200 else {
            throw RPCError(code: .invalidArgument, message: "query must be at most 200 characters.")
        }
        let key = try await self.secrets.key(named: PageCursor.secretName)
        let cursor: PageCursor?
        do {
            cursor = request.cursor.isEmpty ? nil : try PageCursor.decode(request.cursor, sort: sort.rawValue, signingKey: key)
        } catch {
            throw RPCError(code: .invalidArgument, message: "cursor is not one this list gave out (or was for another sort).")
        }
        var categoryId: String?
        if !request.category.isEmpty {
            // An unknown category is an empty list, as in the public API.
            guard let category = try await self.store.category(idOrSlug: request.category) else {
                return Emporium_Catalog_V1_ListProductsResponse()
            }
            categoryId = category.id
        }
        let query = ProductQuery(
            categoryId: categoryId, search: request.query.isEmpty ? nil : SearchText.fold(request.query), sort: sort, limit: limit, after: cursor
        )
        let page = try await self.store.listProducts(query)
        var response = Emporium_Catalog_V1_ListProductsResponse()
        response.products = page.items.map(Self.message)
        response.nextCursor = page.next?.encoded(signingKey: key) ?? ""
        return response
    }

    func getProduct(request: Emporium_Catalog_V1_GetProductRequest, context: ServerContext) async throws -> Emporium_Catalog_V1_Product {
        let wanted = request.idOrSlug
        guard !wanted.isEmpty, wanted.utf8.count <= 200 else {
            throw RPCError(code: .invalidArgument, message: "id_or_slug must be 1 to 200 bytes.")
        }
        let found = CatalogIds.isWellFormed(wanted, prefix: CatalogIds.product)
            ? try await self.store.product(id: wanted) : try await self.store.product(slug: wanted)
        guard let found else {
            throw RPCError(code: .notFound, message: "No product \(wanted).")
        }
        return Self.message(found)
    }

    static func message(_ product: Product) -> Emporium_Catalog_V1_Product {
        var message = Emporium_Catalog_V1_Product()
        message.id = product.id
        message.slug = product.slug
        message.name = product.name
        message.description_p = product.description
        message.categoryID = product.categoryId
        message.imageURL = product.imageUrl ?? ""
        message.priceAmount = Int64(product.price.amount)
        message.currency = product.price.currency
        message.variants = product.variants.map { variant in
            var message = Emporium_Catalog_V1_ProductVariant()
            message.sku = variant.sku
            message.name = variant.name
            message.priceAmount = Int64(variant.price.amount)
            message.currency = variant.price.currency
            message.attributes = variant.attributes
            return message
        }
        message.createdAtMicros = Int64(Timestamp.micros(product.createdAt))
        message.updatedAtMicros = Int64(Timestamp.micros(product.updatedAt))
        return message
    }
}
