public import EmporiumClients
public import EmporiumCore
import Foundation
public import Logging

/// Builds the inventory service: stock and reservations on `database`, the public stock
/// routes, the reservation API over gRPC, and the sweeper that releases expired
/// reservations. `demoSkus`, when given, get demo stock in an empty database.
public func buildInventoryService(
    database: any Database,
    catalog: any CatalogPeer,
    verifier: any TokenVerifier,
    demoSkus: [String]? = nil,
    sweepInterval: Duration = .seconds(1),
    logger: Logger
) -> ServiceUnit {
    let store = InventoryStore(database: database)
    return ServiceUnit(
        name: "inventory",
        database: database,
        migrations: InventoryMigrations.all,
        addRoutes: { router in
            InventoryController(store: store, catalog: catalog, verifier: verifier).addRoutes(to: router)
        },
        rpcServices: [InventoryRPCService(store: store)],
        background: [ReservationSweepWorker(store: store, interval: sweepInterval, logger: logger)],
        prepare: { logger in
            guard let demoSkus else { return }
            let seeded = try await store.seedIfEmpty(demoSkus.map { ($0, DemoStock.quantity(for: $0)) }, now: Date())
            if seeded {
                logger.info("Seeded demo stock", metadata: ["skus": "\(demoSkus.count)"])
            }
        }
    )
}
