import EmporiumCore
import EmporiumProto
import GRPCCore

extension CatalogRPCService: DirectRPCService {
    private typealias Methods = Emporium_Catalog_V1_CatalogService.Method

    /// Every method, as embedded callers reach it without gRPC's transport.
    func registerDirect(with router: DirectRPCRouter) {
        router.register(Methods.LookupVariants.descriptor) { try await self.lookupVariants(request: $0, context: $1) }
        router.register(Methods.ListCategories.descriptor) { try await self.listCategories(request: $0, context: $1) }
        router.register(Methods.ListProducts.descriptor) { try await self.listProducts(request: $0, context: $1) }
        router.register(Methods.GetProduct.descriptor) { try await self.getProduct(request: $0, context: $1) }
    }
}
