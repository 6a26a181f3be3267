import EmporiumClients

/// What the catalog pages read: catalog's shelves and inventory's stock, through their
/// clients (never their stores).
struct Shelf: Sendable {
    let catalog: any CatalogBrowsing
    let inventory: any InventoryPeer

    /// Units available now per SKU (on hand minus reserved; a SKU without stock reads 0).
    func available(_ skus: [String]) async throws -> [String: Int] {
        var available: [String: Int] = [:]
        for level in try await self.inventory.stock(skus: skus) {
            available[level.sku] = level.available
        }
        return available
    }
}
