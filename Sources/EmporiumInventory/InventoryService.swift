public import ArgumentParser
public import EmporiumClients
public import EmporiumCore
import EmporiumDemo
import Foundation
import Logging

/// The inventory service: stock and reservations on its database, the public stock routes,
/// the reservation API over gRPC, and the sweeper that releases expired reservations. With
/// the demo on, an empty database gets stock for every demo SKU.
public enum InventoryService: ServiceDefinition {
    public static let name = "inventory"
    public static let summary = "Stock and reservations: the stock routes and the reservation API checkout calls."
    public static let peers = [CatalogClient.peer]

    public struct Flags: SettingsFlags {
        @OptionGroup var catalog: PeerAddressFlag<CatalogClient>

        @Option(help: "Seed stock for the demo catalog into an empty database: true or false (EMPORIUM_SEED_DEMO, default true).")
        var seedDemo: String?

        @Option(help: "Milliseconds between sweeps that release expired reservations (EMPORIUM_RESERVATION_SWEEP_MS, default 1000).")
        var reservationSweepMs: Int?

        public init() {}

        public var flags: [String: String] {
            self.catalog.flags.merging(Self.given([
                "seedDemo": self.seedDemo, "reservationSweepMs": self.reservationSweepMs,
            ])) { $1 }
        }
    }

    public struct Settings: Sendable {
        public var seedDemo = true
        public var sweepInterval: Duration = .seconds(1)

        public init() {}

        public init(reader: SettingsReader) throws {
            self.seedDemo = try reader.bool("seedDemo") ?? self.seedDemo
            self.sweepInterval = try reader.int("reservationSweepMs", in: 10...3_600_000).map { .milliseconds($0) } ?? self.sweepInterval
        }
    }

    public static func settings(from reader: SettingsReader) throws -> Settings {
        try Settings(reader: reader)
    }

    public static func build(_ context: ServiceContext, settings: Settings) throws -> ServiceUnit {
        let store = InventoryStore(database: context.database)
        let catalog = try context.network.client(CatalogClient.self)
        let logger = context.logger
        return ServiceUnit(
            name: self.name,
            database: context.database,
            migrations: InventoryMigrations.all,
            addRoutes: { router in
                InventoryController(store: store, catalog: catalog, verifier: context.verifier).addRoutes(to: router)
            },
            rpcServices: [InventoryRPCService(store: store)],
            background: [
                ReservationSweepWorker(store: store, interval: settings.sweepInterval, logger: logger),
                SampledGaugesWorker(factory: context.metrics, logger: logger) { try await store.gauges(now: Date()) },
            ],
            prepare: { logger in
                guard settings.seedDemo else { return }
                let skus = DemoCatalog.skus
                let seeded = try await store.seedIfEmpty(skus.map { ($0, DemoStock.quantity(for: $0)) }, now: Date())
                if seeded {
                    logger.info("Seeded demo stock", metadata: ["skus": "\(skus.count)"])
                }
            }
        )
    }
}
