public import ArgumentParser
public import EmporiumCore
import Hummingbird
import Logging

/// The catalog service: categories and products on its database, the public catalog
/// routes, the variant lookup cart, inventory and orders call over gRPC, and (optionally)
/// the demo catalog seeded into an empty database on start.
public enum CatalogService: ServiceDefinition {
    public static let name = "catalog"
    public static let summary = "Categories and products: the public catalog and the variant lookup other services call."

    public struct Flags: SettingsFlags {
        @Option(help: "Seed the demo catalog into an empty database: true or false (EMPORIUM_SEED_DEMO, default true).")
        var seedDemo: String?

        @Option(help: "Response cache size in bytes of encoded responses; 0 turns it off (EMPORIUM_CATALOG_CACHE_BYTES, default 33554432).")
        var catalogCacheBytes: Int?

        public init() {}

        public var flags: [String: String] {
            Self.given(["seedDemo": self.seedDemo, "catalogCacheBytes": self.catalogCacheBytes])
        }
    }

    public struct Settings: Sendable {
        public var seedDemo = true
        /// The response cache, in bytes of encoded responses; 0 turns it off (benchmarks
        /// measure uncached reads so).
        public var cacheBytes = 32 << 20

        public init() {}

        public init(reader: SettingsReader) throws {
            self.seedDemo = try reader.bool("seedDemo") ?? self.seedDemo
            self.cacheBytes = try reader.int("catalogCacheBytes", in: 0...(1 << 34)) ?? self.cacheBytes
        }
    }

    public static func settings(from reader: SettingsReader) throws -> Settings {
        try Settings(reader: reader)
    }

    public static func build(_ context: ServiceContext, settings: Settings) throws -> ServiceUnit {
        let store = SQLCatalogStore(database: context.database)
        let cache = ResponseCache(store: store, byteLimit: settings.cacheBytes)
        return self.unit(store: store, cache: cache, verifier: context.verifier, seedDemo: settings.seedDemo)
    }

    /// The unit around a given store and response cache (tests bound the cache small and
    /// watch its size).
    static func unit(store: SQLCatalogStore, cache: ResponseCache, verifier: any TokenVerifier, seedDemo: Bool) -> ServiceUnit {
        let secrets = InstallationSecrets(database: store.database)
        return ServiceUnit(
            name: self.name,
            database: store.database,
            migrations: CatalogMigrations.all,
            addRoutes: { router in
                CategoriesController(store: store, cache: cache, verifier: verifier).addRoutes(to: router)
                ProductsController(store: store, cache: cache, secrets: secrets, verifier: verifier).addRoutes(to: router)
            },
            rpcServices: [CatalogRPCService(store: store, secrets: secrets)],
            prepare: { logger in
                if seedDemo {
                    try await DemoSeeder.seedIfEmpty(store, logger: logger)
                }
                // Products written before documents existed, or under another version of
                // their JSON, or by an older instance mid upgrade: once, before ready.
                let rendered = try await store.renderStaleDocuments()
                if rendered > 0 {
                    logger.info("Rendered product documents", metadata: ["products": "\(rendered)"])
                }
            }
        )
    }
}
