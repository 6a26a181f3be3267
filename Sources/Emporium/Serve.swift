import ArgumentParser
import EmporiumCart
import EmporiumCatalog
import EmporiumClients
import EmporiumCore
import EmporiumIdentity
import EmporiumInventory
import EmporiumOrders
import EmporiumPayments
import Foundation
import Logging

/// `emporium serve <service>`: one service, its own PostgreSQL database, migrations applied
/// at start. Run as many instances as needed behind NGINX.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one service on PostgreSQL."
    )

    enum ServiceName: String, ExpressibleByArgument, CaseIterable {
        case identity, catalog, inventory, cart, orders, payments
    }

    @Argument(help: "The service to run: \(ServiceName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var service: ServiceName

    @OptionGroup var options: ServerOptions

    @Option(help: "postgres://user:password@host:port/database (EMPORIUM_DATABASE_URL).")
    var databaseUrl: String?

    @Option(help: "Identity's base URL, for its public keys (EMPORIUM_IDENTITY_URL), e.g. http://127.0.0.1:8081.")
    var identityUrl: String?

    @Option(help: "Seed the demo catalog (catalog) or its stock (inventory) into an empty database: true or false (EMPORIUM_SEED_DEMO, default true).")
    var seedDemo: String?

    @Option(help: "Address for this service's gRPC port (EMPORIUM_GRPC_HOST, default 127.0.0.1).")
    var grpcHost: String?

    @Option(help: "This service's gRPC port, for the other services only (EMPORIUM_GRPC_PORT, default 9090).")
    var grpcPort: Int?

    @Option(help: "Catalog's gRPC address(es), host:port[,host:port…] (EMPORIUM_CATALOG_GRPC).")
    var catalogGrpc: String?

    @Option(help: "Inventory's gRPC address(es), for orders (EMPORIUM_INVENTORY_GRPC).")
    var inventoryGrpc: String?

    @Option(help: "Cart's gRPC address(es), for orders (EMPORIUM_CART_GRPC).")
    var cartGrpc: String?

    @Option(help: "Payments' gRPC address(es), for orders (EMPORIUM_PAYMENTS_GRPC).")
    var paymentsGrpc: String?

    func run() async throws {
        var extra: [String: String] = [:]
        extra["databaseUrl"] = self.databaseUrl
        extra["seedDemo"] = self.seedDemo
        extra["identityUrl"] = self.identityUrl
        extra["grpcHost"] = self.grpcHost
        extra["grpcPort"] = self.grpcPort.map(String.init)
        extra["catalogGrpc"] = self.catalogGrpc
        extra["inventoryGrpc"] = self.inventoryGrpc
        extra["cartGrpc"] = self.cartGrpc
        extra["paymentsGrpc"] = self.paymentsGrpc
        let (settings, identitySettings) = try self.options.settings(extra: extra)
        guard let url = settings.databaseURL else {
            throw ValidationError("serve \(self.service.rawValue) needs --database-url or EMPORIUM_DATABASE_URL.")
        }
        let logger = Bootstrap.logger(settings)
        let metrics = MetricsRegistry()
        let database = try PostgresDatabase(url: url, name: self.service.rawValue, metrics: metrics.factory, logger: logger)
        let rpc = try RPCNetwork.http2(
            listen: RPCEndpoints.Endpoint(host: settings.grpcHost, port: settings.grpcPort),
            peers: settings.rpcPeers,
            policy: settings.rpcPolicy,
            metrics: metrics.factory,
            logger: logger,
            credentials: settings.serviceCredentials
        )
        let unit: ServiceUnit
        do {
            switch self.service {
            case .identity:
                unit = buildIdentityService(database: database, settings: identitySettings).unit
            case .catalog:
                unit = buildCatalogService(
                    database: database, verifier: try Self.verifier(settings, logger: logger), seedDemoCatalog: settings.seedDemoCatalog,
                    responseCacheBytes: settings.catalogCacheBytes
                )
            case .inventory:
                unit = buildInventoryService(
                    database: database,
                    catalog: CatalogClient(try rpc.connection(to: "catalog")),
                    verifier: try Self.verifier(settings, logger: logger),
                    demoSkus: settings.seedDemoCatalog ? DemoCatalog.skus : nil,
                    logger: logger
                )
            case .payments:
                unit = buildPaymentsService(database: database, verifier: try Self.verifier(settings, logger: logger))
            case .orders:
                unit = buildOrdersService(
                    database: database,
                    cart: CartClient(try rpc.connection(to: "cart")),
                    inventory: InventoryClient(try rpc.connection(to: "inventory")),
                    payments: PaymentsClient(try rpc.connection(to: "payments")),
                    verifier: try Self.verifier(settings, logger: logger),
                    settings: settings,
                    metrics: metrics.factory,
                    logger: logger
                )
            case .cart:
                unit = buildCartService(
                    database: database,
                    catalog: CatalogClient(try rpc.connection(to: "catalog")),
                    verifier: try Self.verifier(settings, logger: logger)
                )
            }
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let platform = Platform(settings: settings, units: [unit], metrics: metrics, rpc: rpc, logger: logger)
        logger.info("Emporium serve", metadata: ["service": "\(self.service.rawValue)", "port": "\(settings.port)"])
        try await platform.run(databaseServices: [database])
    }

    /// Tokens are verified with identity's JWKS, fetched over HTTP; without an identity URL
    /// no token is accepted (guarded routes answer 401) and the operator is told so.
    static func verifier(_ settings: ServerSettings, logger: Logger) throws -> any TokenVerifier {
        guard let url = settings.identityURL else {
            logger.warning("No --identity-url / EMPORIUM_IDENTITY_URL: every bearer token will be refused")
            return RejectAllTokens()
        }
        guard URL(string: url)?.scheme?.hasPrefix("http") == true else {
            throw ValidationError("--identity-url must be an http(s) URL, not \(url)")
        }
        return JWTVerifier(keys: RemoteJWKS(identityURL: url, logger: logger))
    }
}
