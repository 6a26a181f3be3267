public import EmporiumCore

/// The payments service: payments, their events and the ledger on its database, the admin
/// read route, and the gRPC API checkout uses, with the built-in card processor.
public enum PaymentsService: ServiceDefinition {
    public static let name = "payments"
    public static let summary = "Card payments and their ledger: authorize, capture and refund for checkout."

    public static func build(_ context: ServiceContext, settings: NoSettings) throws -> ServiceUnit {
        let store = PaymentsStore(database: context.database)
        let authorizer = PaymentAuthorizer(store: store)
        return ServiceUnit(
            name: self.name,
            database: context.database,
            migrations: PaymentsMigrations.all,
            addRoutes: { router in
                PaymentsController(store: store, verifier: context.verifier).addRoutes(to: router)
            },
            rpcServices: [PaymentsRPCService(authorizer: authorizer, store: store)]
        )
    }
}
