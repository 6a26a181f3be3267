public import EmporiumClients
public import EmporiumCore

/// Builds the cart service: lines on `database`, the `/api/v1/cart` routes, and the gRPC
/// API checkout uses. Names and prices come from `catalog`.
public func buildCartService(database: any Database, catalog: any CatalogPeer, verifier: any TokenVerifier) -> ServiceUnit {
    let cart = Carts(store: CartStore(database: database), catalog: catalog)
    return ServiceUnit(
        name: "cart",
        database: database,
        migrations: CartMigrations.all,
        addRoutes: { router in
            CartController(cart: cart, verifier: verifier).addRoutes(to: router)
        },
        rpcServices: [CartRPCService(cart: cart)]
    )
}
