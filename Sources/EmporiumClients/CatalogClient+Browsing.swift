import EmporiumProto
import GRPCCore

extension CatalogClient: CatalogBrowsing {
    public func categories() async throws -> [ShelfCategory] {
        try await self.channel.call(Service.Method.ListCategories.self, Emporium_Catalog_V1_ListCategoriesRequest()).categories.map {
            ShelfCategory(id: $0.id, slug: $0.slug, name: $0.name, productCount: Int($0.productCount))
        }
    }

    public func products(_ query: ShelfQuery) async throws -> ShelfPage {
        var request = Emporium_Catalog_V1_ListProductsRequest()
        request.category = query.category ?? ""
        request.query = query.search ?? ""
        request.sort = query.sort
        request.limit = Int32(clamping: query.limit)
        request.cursor = query.cursor ?? ""
        let response = try await self.channel.call(Service.Method.ListProducts.self, request)
        return ShelfPage(products: response.products.map(Self.product), nextCursor: response.nextCursor.isEmpty ? nil : response.nextCursor)
    }

    public func product(idOrSlug: String) async throws -> ShelfProduct? {
        var request = Emporium_Catalog_V1_GetProductRequest()
        request.idOrSlug = idOrSlug
        do {
            return Self.product(try await self.channel.call(Service.Method.GetProduct.self, request))
        } catch let error as RPCError where error.code == .notFound {
            return nil
        }
    }

    static func product(_ message: Emporium_Catalog_V1_Product) -> ShelfProduct {
        ShelfProduct(
            id: message.id, slug: message.slug, name: message.name, description: message.description_p,
            categoryId: message.categoryID, imageUrl: message.imageURL.isEmpty ? nil : message.imageURL,
            priceAmount: Int(message.priceAmount), currency: message.currency,
            variants: message.variants.map {
                ShelfProduct.Variant(sku: $0.sku, name: $0.name, priceAmount: Int($0.priceAmount), attributes: $0.attributes)
            }
        )
    }
}

extension Emporium_Catalog_V1_CatalogService.Method.ListCategories: UnaryMethod {}
extension Emporium_Catalog_V1_CatalogService.Method.ListProducts: UnaryMethod {}
extension Emporium_Catalog_V1_CatalogService.Method.GetProduct: UnaryMethod {}
