public import EmporiumCore
import Hummingbird
import Logging

/// Builds the catalog service: its store on `database`, its routes, its gRPC lookup for
/// cart and orders, and (optionally) the demo catalog seeded into an empty database on start.
public func buildCatalogService(
    database: any Database,
    verifier: any TokenVerifier,
    seedDemoCatalog: Bool,
    responseCacheBytes: Int = 32 << 20
) -> ServiceUnit {
    let store = SQLCatalogStore(database: database)
    let cache = ResponseCache(store: store, byteLimit: responseCacheBytes)
    return buildCatalogService(store: store, cache: cache, verifier: verifier, seedDemoCatalog: seedDemoCatalog)
}

/// The same, with the response cache given (tests bound it small and watch its size).
func buildCatalogService(
    store: SQLCatalogStore,
    cache: ResponseCache,
    verifier: any TokenVerifier,
    seedDemoCatalog: Bool
) -> ServiceUnit {
    let secrets = InstallationSecrets(database: store.database)
    return ServiceUnit(
        name: "catalog",
        database: store.database,
        migrations: CatalogMigrations.all,
        addRoutes: { router in
            CategoriesController(store: store, cache: cache, verifier: verifier).addRoutes(to: router)
            ProductsController(store: store, cache: cache, secrets: secrets, verifier: verifier).addRoutes(to: router)
        },
        rpcServices: [CatalogRPCService(store: store)],
        prepare: { logger in
            if seedDemoCatalog {
                try await DemoSeeder.seedIfEmpty(store, logger: logger)
            }
        }
    )
}
