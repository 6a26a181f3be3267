import ArgumentParser
import EmporiumCatalog
import EmporiumCore
import EmporiumIdentity
import Foundation
import Logging
import ServiceLifecycle

/// The embedded default: every service in this process, one HTTP port, one SQLite file per
/// service under the data directory, the demo catalog seeded on first start.
struct RunAll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the whole shop in one process on embedded SQLite (the default)."
    )

    @OptionGroup var options: ServerOptions

    @Option(help: "Directory for the SQLite files (EMPORIUM_DATA_DIR, default ./.emporium).")
    var dataDir: String?

    @Option(help: "Seed the demo catalog into an empty catalog: true or false (EMPORIUM_SEED_DEMO, default true).")
    var seedDemo: String?

    func run() async throws {
        var extra: [String: String] = [:]
        extra["dataDir"] = self.dataDir
        extra["seedDemo"] = self.seedDemo
        let (settings, identitySettings) = try self.options.settings(extra: extra)
        let logger = Bootstrap.logger(settings)
        try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
        let metrics = MetricsRegistry()
        let catalogDatabase = try await SQLiteDatabase.open(
            path: settings.dataDirectory + "/catalog.sqlite",
            name: "catalog",
            metrics: metrics.factory,
            logger: logger
        )
        let identityDatabase = try await SQLiteDatabase.open(
            path: settings.dataDirectory + "/identity.sqlite",
            name: "identity",
            metrics: metrics.factory,
            logger: logger
        )
        let identity = buildIdentityService(database: identityDatabase, settings: identitySettings)
        let platform = Platform(
            settings: settings,
            units: [
                identity.unit,
                buildCatalogService(database: catalogDatabase, verifier: identity.verifier, seedDemoCatalog: settings.seedDemoCatalog),
            ],
            metrics: metrics,
            logger: logger
        )
        logger.info("Emporium embedded", metadata: ["url": "http://\(settings.host):\(settings.port)/", "data": "\(settings.dataDirectory)"])
        try await platform.run(databaseServices: [identityDatabase, catalogDatabase])
    }
}
