public import ArgumentParser
public import EmporiumClients
public import EmporiumCore

/// The cart service: lines on its database, the `/api/v1/cart` routes, and the gRPC API
/// checkout uses. Names and prices come from catalog.
public enum CartService: ServiceDefinition {
    public static let name = "cart"
    public static let summary = "Shopping carts: lines priced by catalog, and the priced cart checkout reads."
    public static let peers = [CatalogClient.peer]

    public struct Flags: SettingsFlags {
        @OptionGroup var catalog: PeerAddressFlag<CatalogClient>

        public init() {}

        public var flags: [String: String] { self.catalog.flags }
    }

    public static func build(_ context: ServiceContext, settings: NoSettings) throws -> ServiceUnit {
        let carts = Carts(store: CartStore(database: context.database), catalog: try context.network.client(CatalogClient.self))
        return ServiceUnit(
            name: self.name,
            database: context.database,
            migrations: CartMigrations.all,
            addRoutes: { router in
                CartController(cart: carts, verifier: context.verifier).addRoutes(to: router)
            },
            rpcServices: [CartRPCService(cart: carts)]
        )
    }
}
