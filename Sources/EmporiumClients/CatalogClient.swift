public import EmporiumCore
public import EmporiumProto
import GRPCCore

/// Catalog's internal API as cart, inventory and orders use it. Errors are gRPC's
/// `RPCError`; HTTP handlers turn them into problems with `callingService("catalog")`.
public struct CatalogClient: Sendable {
    public typealias Variant = Emporium_Catalog_V1_VariantInfo

    let connection: RPCConnection
    let client: any Emporium_Catalog_V1_CatalogService.ClientProtocol

    public init(_ connection: RPCConnection) {
        self.connection = connection
        self.client = connection.makeClient(
            inProcess: { Emporium_Catalog_V1_CatalogService.Client(wrapping: $0) },
            http2: { Emporium_Catalog_V1_CatalogService.Client(wrapping: $0) }
        )
    }

    /// The SKUs catalog knows (archived ones included, flagged) by SKU, in one call.
    public func variants(skus: [String]) async throws -> [String: Variant] {
        guard !skus.isEmpty else { return [:] }
        var request = Emporium_Catalog_V1_LookupVariantsRequest()
        request.skus = skus
        let response = try await self.connection.call(Emporium_Catalog_V1_CatalogService.Method.LookupVariants.descriptor) { try await self.client.lookupVariants(request) }
        return Dictionary(response.variants.map { ($0.sku, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
