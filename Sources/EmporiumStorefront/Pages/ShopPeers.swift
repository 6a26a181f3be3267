import EmporiumClients

/// Every service the storefront calls, through the clients every service uses (never a
/// store): catalog and inventory for the shelves, cart, orders, and identity for accounts.
struct ShopPeers: Sendable {
    let catalog: any CatalogBrowsing
    let inventory: any InventoryPeer
    let cart: any CartEditing & CartPeer
    let orders: any OrdersPeer
    let identity: any IdentityPeer

    var shelf: Shelf { Shelf(catalog: self.catalog, inventory: self.inventory) }
}
