import EmporiumCart
import EmporiumCatalog
import EmporiumClients
import EmporiumCore
import EmporiumIdentity
import EmporiumInventory
import EmporiumOrders
import EmporiumPayments
import EmporiumServices
import EmporiumStorefront
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
        // Every service the registry lists, as the embedded platform runs them.
        _ = try await TestPlatform.with(.sqlite, services: ServiceRegistry.all, verifier: RejectAllTokens()) { platform in
            // The storefront's pages are HTML for browsers, not the API the document describes.
            let pages = try Self.routes(of: StorefrontService.self)
            let routed = Set(platform.buildRouter().routes.map { "\($0.method.rawValue) \($0.path.description)" }).subtracting(pages)

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

    /// The routes `definition` adds beyond what every platform serves (health, metrics, the document).
    static func routes(of definition: any ServiceDefinition.Type) throws -> Set<String> {
        let network = RPCNetwork.inProcess(metrics: MetricsRegistry().factory, logger: Logger(label: "test"))
        let reader = SettingsReader(emporium: ServerSettings.reader(flags: [:], environment: [:]))
        let unit = try definition.configure(reader).build(ServiceContext(database: NoDatabase(), verifier: RejectAllTokens(), network: network))
        let router = Router(context: EmporiumRequestContext.self)
        unit.addRoutes(router)
        return Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
    }
}
