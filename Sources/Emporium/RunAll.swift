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
import ServiceLifecycle

/// The embedded default: every service in this process, one HTTP port, one SQLite file per
/// service under the data directory, gRPC between services over the in-process transport,
/// the demo catalog (and its stock) seeded on first start.
struct RunAll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the whole shop in one process on embedded SQLite (the default)."
    )

    @OptionGroup var options: ServerOptions

    @Option(help: "Directory for the SQLite files (EMPORIUM_DATA_DIR, default ./.emporium).")
    var dataDir: String?

    @Option(help: "Seed the demo catalog and its stock into empty databases: true or false (EMPORIUM_SEED_DEMO, default true).")
    var seedDemo: String?

    func run() async throws {
        var extra: [String: String] = [:]
        extra["dataDir"] = self.dataDir
        extra["seedDemo"] = self.seedDemo
        let (settings, identitySettings) = try self.options.settings(extra: extra)
        let logger = Bootstrap.logger(settings)
        try DataDirectory.prepare(settings.dataDirectory)
        let metrics = MetricsRegistry()
        var databases: [SQLiteDatabase] = []
        func open(_ name: String) async throws -> SQLiteDatabase {
            let database = try await SQLiteDatabase.open(
                path: settings.dataDirectory + "/\(name).sqlite",
                name: name,
                metrics: metrics.factory,
                logger: logger
            )
            databases.append(database)
            return database
        }
        let rpc = RPCNetwork.inProcess(policy: settings.rpcPolicy, metrics: metrics.factory, logger: logger)
        let catalog = CatalogClient(try rpc.connection(to: "catalog"))
        let identity = buildIdentityService(database: try await open("identity"), settings: identitySettings)
        let units = [
            identity.unit,
            buildCatalogService(database: try await open("catalog"), verifier: identity.verifier, seedDemoCatalog: settings.seedDemoCatalog, responseCacheBytes: settings.catalogCacheBytes),
            buildInventoryService(
                database: try await open("inventory"),
                catalog: catalog,
                verifier: identity.verifier,
                demoSkus: settings.seedDemoCatalog ? DemoCatalog.skus : nil,
                logger: logger
            ),
            buildCartService(database: try await open("cart"), catalog: catalog, verifier: identity.verifier),
            buildPaymentsService(database: try await open("payments"), verifier: identity.verifier),
            buildOrdersService(
                database: try await open("orders"),
                cart: CartClient(try rpc.connection(to: "cart")),
                inventory: InventoryClient(try rpc.connection(to: "inventory")),
                payments: PaymentsClient(try rpc.connection(to: "payments")),
                verifier: identity.verifier,
                settings: settings,
                metrics: metrics.factory,
                logger: logger
            ),
        ]
        let platform = Platform(settings: settings, units: units, metrics: metrics, rpc: rpc, logger: logger)
        logger.info("Emporium embedded", metadata: ["url": "http://\(settings.host):\(settings.port)/", "data": "\(settings.dataDirectory)"])
        try await platform.run(databaseServices: databases)
    }
}
