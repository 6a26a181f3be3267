public import ArgumentParser
public import EmporiumClients
public import EmporiumCore
import Foundation
import Logging

/// The storefront: the shop a customer uses in a browser. It owns no data: every page is
/// rendered from what catalog and inventory answer over their internal gRPC APIs (the
/// same clients every service uses), so it runs in the embedded default and as
/// `emporium serve storefront` behind NGINX alike.
public enum StorefrontService: ServiceDefinition {
    public static let name = "storefront"
    public static let summary = "The storefront: server-rendered pages over catalog and inventory."
    public static let peers = [CatalogClient.peer, InventoryClient.peer]
    public static let ownsData = false

    public struct Flags: SettingsFlags {
        @OptionGroup var catalog: PeerAddressFlag<CatalogClient>
        @OptionGroup var inventory: PeerAddressFlag<InventoryClient>

        public init() {}

        public var flags: [String: String] {
            self.catalog.flags.merging(self.inventory.flags) { $1 }
        }
    }

    public static func build(_ context: ServiceContext, settings: NoSettings) throws -> ServiceUnit {
        let pages = try PageRenderer.load()
        let assets = try AssetCatalog.load()
        let shelf = Shelf(catalog: try context.network.client(CatalogClient.self), inventory: try context.network.client(InventoryClient.self))
        return ServiceUnit(
            name: self.name,
            database: nil,
            migrations: [],
            addRoutes: { router in
                CatalogPagesController(shelf: shelf, pages: pages, assets: assets, logger: context.logger).addRoutes(to: router)
                AssetsController(assets: assets).addRoutes(to: router)
            }
        )
    }
}
