public import EmporiumCore
import EmporiumProto

/// Catalog's internal API over gRPC. Errors are gRPC's `RPCError`; HTTP handlers turn them
/// into problems with `callingService("catalog")`.
public struct CatalogClient: CatalogPeer {
    typealias Service = Emporium_Catalog_V1_CatalogService

    let channel: PeerChannel

    public init(_ connection: RPCConnection) {
        self.channel = PeerChannel(connection)
        connection.register(Service.descriptor)
    }

    public func variants(skus: [String]) async throws -> [String: CatalogVariant] {
        guard !skus.isEmpty else { return [:] }
        var request = Emporium_Catalog_V1_LookupVariantsRequest()
        request.skus = skus
        let response = try await self.channel.call(Service.Method.LookupVariants.self, request)
        return Dictionary(response.variants.map { ($0.sku, Self.variant($0)) }, uniquingKeysWith: { first, _ in first })
    }

    static func variant(_ message: Emporium_Catalog_V1_VariantInfo) -> CatalogVariant {
        CatalogVariant(
            sku: message.sku,
            productId: message.productID,
            productName: message.productName,
            variantName: message.variantName,
            priceAmount: Int(message.priceAmount),
            currency: message.currency,
            archived: message.archived
        )
    }
}

extension Emporium_Catalog_V1_CatalogService.Method.LookupVariants: UnaryMethod {}
