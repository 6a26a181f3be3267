import EmporiumProto
import Foundation
import GRPCCore
import GRPCInProcessTransport
import SwiftProtobuf
import Testing

/// The committed generated code is usable: messages round-trip, and a generated service
/// answers a generated client over grpc-swift's in-process transport.
@Suite struct GeneratedProtoTests {
    @Test func messagesRoundTrip() throws {
        let request = Emporium_Inventory_V1_ReserveRequest.with {
            $0.reservationID = "ord_1"
            $0.lines = [.with { $0.sku = "MUG-1"; $0.quantity = 2 }]
            $0.ttlSeconds = 900
        }
        let decoded = try Emporium_Inventory_V1_ReserveRequest(serializedBytes: try request.serializedBytes() as [UInt8])
        #expect(decoded == request)
    }

    /// Answers lookups from a fixed table: enough to exercise the generated stubs.
    struct FixedCatalog: Emporium_Catalog_V1_CatalogService.SimpleServiceProtocol {
        func lookupVariants(
            request: Emporium_Catalog_V1_LookupVariantsRequest,
            context: ServerContext
        ) async throws -> Emporium_Catalog_V1_LookupVariantsResponse {
            .with { response in
                for sku in request.skus {
                    if sku == "MUG-1" {
                        response.variants.append(.with { $0.sku = sku; $0.priceAmount = 1299; $0.currency = "USD" })
                    } else {
                        response.missingSkus.append(sku)
                    }
                }
            }
        }

        // Not what these tests exercise: the storefront's reads have their own tests.
        func listCategories(request: Emporium_Catalog_V1_ListCategoriesRequest, context: ServerContext) async throws -> Emporium_Catalog_V1_ListCategoriesResponse {
            throw RPCError(code: .unimplemented, message: "not in this test")
        }

        func listProducts(request: Emporium_Catalog_V1_ListProductsRequest, context: ServerContext) async throws -> Emporium_Catalog_V1_ListProductsResponse {
            throw RPCError(code: .unimplemented, message: "not in this test")
        }

        func getProduct(request: Emporium_Catalog_V1_GetProductRequest, context: ServerContext) async throws -> Emporium_Catalog_V1_Product {
            throw RPCError(code: .unimplemented, message: "not in this test")
        }
    }

    @Test func serviceAndClientTalkInProcess() async throws {
        let transport = InProcessTransport()
        let server = GRPCServer(transport: transport.server, services: [FixedCatalog()])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            try await withGRPCClient(transport: transport.client) { client in
                let catalog = Emporium_Catalog_V1_CatalogService.Client(wrapping: client)
                let response = try await catalog.lookupVariants(.with { $0.skus = ["MUG-1", "NOPE"] })
                #expect(response.variants.map(\.priceAmount) == [1299])
                #expect(response.missingSkus == ["NOPE"])
            }
            server.beginGracefulShutdown()
            try await group.waitForAll()
        }
    }
}
