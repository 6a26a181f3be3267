import ArgumentParser
import EmporiumCore
import EmporiumServices
import Foundation
import Logging
import ServiceLifecycle

/// The embedded default: every service in `ServiceRegistry` in this process, one HTTP
/// port, one SQLite file per service under the data directory, services calling each other
/// in memory (function calls with gRPC's semantics; `DirectRPCRouter`), the demo catalog (and its stock) seeded on first start.
struct RunAll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the whole shop in one process on embedded SQLite (the default).",
        discussion: "Every service's own settings are read from EMPORIUM_* variables and the settings file; `emporium serve <service> --help` lists them."
    )

    @OptionGroup var options: ServerOptions

    @Option(help: "Directory for the SQLite files (EMPORIUM_DATA_DIR, default ./.emporium).")
    var dataDir: String?

    @Option(help: "Seed the demo catalog and its stock into empty databases: true or false (EMPORIUM_SEED_DEMO, default true).")
    var seedDemo: String?

    func run() async throws {
        let (settings, reader) = try await self.options.settings(extra: ServerOptions.given(["dataDir": self.dataDir, "seedDemo": self.seedDemo]))
        // Every service's settings are validated before anything is opened.
        let services = try await ServerOptions.usage { try ServiceRegistry.all.map { try $0.configure(reader) } }
        let logger = Bootstrap.logger(settings)
        try DataDirectory.prepare(settings.dataDirectory)
        let metrics = MetricsRegistry()
        let rpc = RPCNetwork.inProcess(policy: settings.rpcPolicy, metrics: metrics.factory, logger: logger, direct: settings.directEmbeddedCalls)
        var databases: [SQLiteDatabase] = []
        var units: [ServiceUnit] = []
        // Until the token issuer is built, nothing could verify a token; it comes first.
        var verifier: any TokenVerifier = RejectAllTokens()
        for service in services.filter(\.issuesTokens) + services.filter({ !$0.issuesTokens }) {
            var database: any Database = NoDatabase()
            if service.ownsData {
                let opened = try await SQLiteDatabase.open(
                    path: settings.dataDirectory + "/\(service.name).sqlite",
                    name: service.name,
                    metrics: metrics.factory,
                    logger: logger
                )
                databases.append(opened)
                database = opened
            }
            let context = ServiceContext(database: database, verifier: verifier, network: rpc, metrics: metrics.factory, logger: logger)
            let unit = try service.build(context)
            verifier = unit.verifier ?? verifier
            units.append(unit)
        }
        let platform = Platform(settings: settings, units: units, metrics: metrics, rpc: rpc, logger: logger)
        logger.info("Emporium embedded", metadata: ["url": "http://\(settings.host):\(settings.port)/", "data": "\(settings.dataDirectory)"])
        try await platform.run(databaseServices: databases)
    }
}
