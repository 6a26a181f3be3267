public import EmporiumCore

/// Builds the payments service: payments, their events and the ledger on `database`, the
/// admin read route, and the gRPC API checkout uses, with the built-in card processor.
public func buildPaymentsService(database: any Database, verifier: any TokenVerifier) -> ServiceUnit {
    let store = PaymentsStore(database: database)
    let authorizer = PaymentAuthorizer(store: store)
    return ServiceUnit(
        name: "payments",
        database: database,
        migrations: PaymentsMigrations.all,
        addRoutes: { router in
            PaymentsController(store: store, verifier: verifier).addRoutes(to: router)
        },
        rpcServices: [PaymentsRPCService(authorizer: authorizer, store: store)]
    )
}
