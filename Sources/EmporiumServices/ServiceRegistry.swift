import EmporiumCart
import EmporiumCatalog
public import EmporiumCore
import EmporiumIdentity
import EmporiumInventory
import EmporiumOrders
import EmporiumPayments
import EmporiumStorefront

/// Every service Emporium has, the one place they are listed: the embedded default runs
/// them all, `emporium serve` offers one subcommand each, and the contract test checks
/// their routes against the OpenAPI document. A new service is added here.
public enum ServiceRegistry {
    /// In start order: the token issuer first, since the others verify its tokens.
    public static var all: [any ServiceDefinition.Type] {
        [
            IdentityService.self, CatalogService.self, InventoryService.self, CartService.self, PaymentsService.self, OrdersService.self,
            StorefrontService.self,
        ]
    }
}
