import EmporiumCart
import EmporiumCatalog
import EmporiumClients
import EmporiumCore
import EmporiumIdentity
import EmporiumInventory
import EmporiumOrders
import EmporiumPayments
import EmporiumTesting
import Foundation
import Testing
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The served OpenAPI document and the router must agree: every documented operation is
/// routed, and every route is documented.
@Suite struct OpenAPIContractTests {
    @Test func everyRouteIsDocumentedAndEveryOperationRouted() async throws {
        _ = try await TestDatabase.with(.sqlite) { database in
            let rpc = RPCNetwork.inProcess(metrics: MetricsRegistry().factory, logger: .init(label: "test"))
            let catalog = CatalogClient(try rpc.connection(to: "catalog"))
            let platform = Platform(
                settings: ServerSettings(),
                // Every service the embedded platform runs.
                units: [
                    buildIdentityService(database: database, settings: IdentitySettings()).unit,
                    buildCatalogService(database: database, verifier: RejectAllTokens(), seedDemoCatalog: false),
                    buildInventoryService(database: database, catalog: catalog, verifier: RejectAllTokens(), logger: .init(label: "test")),
                    buildCartService(database: database, catalog: catalog, verifier: RejectAllTokens()),
                    buildPaymentsService(database: database, verifier: RejectAllTokens()),
                    buildOrdersService(
                        database: database,
                        cart: CartClient(try rpc.connection(to: "cart")),
                        inventory: InventoryClient(try rpc.connection(to: "inventory")),
                        payments: PaymentsClient(try rpc.connection(to: "payments")),
                        verifier: RejectAllTokens(),
                        settings: ServerSettings(),
                        logger: .init(label: "test")
                    ),
                ],
                metrics: MetricsRegistry(),
                logger: .init(label: "test")
            )
            let routed = Set(platform.buildRouter().routes.map { "\($0.method.rawValue) \($0.path.description)" })

            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes.readableBytesView)) as? [String: Any]
            )
            #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let methods: Set = ["get", "put", "post", "delete", "patch", "head", "options"]
            var documented = Set<String>()
            for (path, item) in paths {
                for key in item.keys where methods.contains(key) {
                    documented.insert("\(key.uppercased()) \(path)")
                }
            }
            #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed).sorted())")
            #expect(routed.subtracting(documented).isEmpty, "routed but not documented: \(routed.subtracting(documented).sorted())")
        }
    }
}
