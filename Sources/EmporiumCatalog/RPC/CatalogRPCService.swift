import EmporiumCore
import EmporiumProto
import GRPCCore

/// Catalog's internal API: one batched SKU lookup for cart and orders, and the storefront's
/// reads (`CatalogRPCService+Storefront.swift`).
struct CatalogRPCService: Emporium_Catalog_V1_CatalogService.SimpleServiceProtocol {
    /// More SKUs than any cart or order holds; a bigger request is a caller's bug.
    static let maxSkus = 500

    let store: any CatalogStore
    /// Signs list cursors, with the same key the public API uses.
    let secrets: InstallationSecrets

    func lookupVariants(
        request: Emporium_Catalog_V1_LookupVariantsRequest,
        context: ServerContext
    ) async throws -> Emporium_Catalog_V1_LookupVariantsResponse {
        var seen = Set<String>()
        let skus = request.skus.filter { seen.insert($0).inserted }
        guard skus.count <= Self.maxSkus else {
            throw RPCError(code: .invalidArgument, message: "At most \(Self.maxSkus) SKUs per lookup, got \(skus.count).")
        }
        if let bad = skus.first(where: { !SKU.isValid($0) }) {
            throw RPCError(code: .invalidArgument, message: "SKU \(bad.debugDescription) \(SKU.rule).")
        }
        let found = try await self.store.saleableVariants(skus: skus)
        let foundSkus = Set(found.map(\.sku))
        var response = Emporium_Catalog_V1_LookupVariantsResponse()
        response.variants = found.map { variant in
            var info = Emporium_Catalog_V1_VariantInfo()
            info.sku = variant.sku
            info.productID = variant.productId
            info.productName = variant.productName
            info.variantName = variant.variantName
            info.priceAmount = Int64(variant.price.amount)
            info.currency = variant.price.currency
            info.archived = variant.archived
            return info
        }
        response.missingSkus = skus.filter { !foundSkus.contains($0) }
        return response
    }
}
