public import ArgumentParser
public import EmporiumClients
public import EmporiumCore
import Foundation
import Logging

/// The storefront: the shop a customer uses in a browser. It owns no data: every page is
/// rendered from what catalog, inventory, cart, orders and identity answer over their
/// internal gRPC APIs (the same clients every service uses), and a shopper's session lives
/// in a sealed cookie, so it runs in the embedded default and as `emporium serve
/// storefront` behind NGINX alike, any instance serving any shopper.
public enum StorefrontService: ServiceDefinition {
    public static let name = "storefront"
    public static let summary = "The storefront: server-rendered pages over catalog, inventory, cart, orders and identity."
    public static let peers = [CatalogClient.peer, InventoryClient.peer, CartClient.peer, OrdersClient.peer, IdentityClient.peer]
    public static let environmentHelp = """
        EMPORIUM_SESSION_SECRET   seals session cookies (≥ 32 bytes, the same on every storefront
                                  instance); default: a key derived from EMPORIUM_SERVICE_SECRET,
                                  else a key file made in the data directory
        EMPORIUM_TRUSTED_PROXIES  proxies whose X-Forwarded-For/-Proto are believed (10.0.0.0/8, …)
        """
    public static let ownsData = false

    public struct Flags: SettingsFlags {
        @OptionGroup var catalog: PeerAddressFlag<CatalogClient>
        @OptionGroup var inventory: PeerAddressFlag<InventoryClient>
        @OptionGroup var cart: PeerAddressFlag<CartClient>
        @OptionGroup var orders: PeerAddressFlag<OrdersClient>
        @OptionGroup var identity: PeerAddressFlag<IdentityClient>

        public init() {}

        public var flags: [String: String] {
            [self.catalog.flags, self.inventory.flags, self.cart.flags, self.orders.flags, self.identity.flags].reduce(into: [:]) { $0.merge($1) { $1 } }
        }
    }

    public static func settings(from reader: SettingsReader) throws -> StorefrontSettings {
        try StorefrontSettings(reader: reader)
    }

    public static func build(_ context: ServiceContext, settings: StorefrontSettings) throws -> ServiceUnit {
        let shop = ShopPeers(
            catalog: try context.network.client(CatalogClient.self),
            inventory: try context.network.client(InventoryClient.self),
            cart: try context.network.client(CartClient.self),
            orders: try context.network.client(OrdersClient.self),
            identity: try context.network.client(IdentityClient.self)
        )
        let sessions = Sessions(
            key: CookieSealer(key: try SessionKey.load(settings)), identity: shop.identity, trustedProxies: settings.trustedProxies, logger: context.logger
        )
        let assets = try AssetCatalog.load()
        let kit = PageKit(
            pages: try PageRenderer.load(), assets: assets, sessions: sessions, cache: SharedPageCache(),
            categories: CategoryCache(catalog: shop.catalog), logger: context.logger
        )
        return ServiceUnit(
            name: self.name,
            database: nil,
            migrations: [],
            addRoutes: { router in
                CatalogPagesController(shelf: shop.shelf, kit: kit).addRoutes(to: router)
                CartPagesController(shop: shop, kit: kit).addRoutes(to: router)
                AccountController(shop: shop, kit: kit).addRoutes(to: router)
                CheckoutController(shop: shop, kit: kit).addRoutes(to: router)
                OrderPagesController(shop: shop, kit: kit).addRoutes(to: router)
                AssetsController(assets: assets).addRoutes(to: router)
            }
        )
    }
}
