public import EmporiumClients
public import EmporiumCore
public import Logging
public import Metrics

/// Builds the orders service: orders, their lines, the outbox and idempotency keys on
/// `database`; the `/api/v1/orders` routes; the checkout saga over cart, inventory and
/// payments; and, in the background, the outbox relay, saga recovery and the purge of
/// expired idempotency keys.
public func buildOrdersService(
    database: any Database,
    cart: any CartPeer,
    inventory: any InventoryPeer,
    payments: any PaymentsPeer,
    verifier: any TokenVerifier,
    settings: ServerSettings,
    metrics: (any MetricsFactory)? = nil,
    outboxInterval: Duration = .seconds(1),
    logger: Logger
) -> ServiceUnit {
    let metrics = metrics ?? NOOPMetricsHandler.instance
    let store = OrdersStore(database: database)
    let idempotency = IdempotencyStore(database: database)
    // One set of installation secrets (fingerprint and cursor keys), read once per process.
    let secrets = InstallationSecrets(database: database)
    let checkouts = CounterFamily(label: "orders_checkouts_total", dimension: "outcome", factory: metrics)
    let relay = OutboxRelayWorker(store: store, cart: cart, interval: outboxInterval, logger: logger, metrics: metrics)
    let saga = CheckoutSaga(
        store: store, cart: cart, inventory: inventory, payments: payments, relay: relay,
        lease: settings.sagaLease, faults: FaultInjector(spec: settings.fault), logger: logger
    )
    return ServiceUnit(
        name: "orders",
        database: database,
        migrations: OrdersMigrations.all,
        addRoutes: { router in
            OrdersController(
                saga: saga, idempotency: idempotency, secrets: secrets, idempotencyLease: settings.idempotencyLease, verifier: verifier,
                checkouts: checkouts, cursorSecrets: secrets
            ).addRoutes(to: router)
        },
        background: [
            relay,
            SagaRecoveryWorker(saga: saga, interval: settings.sagaRecoveryInterval, logger: logger, metrics: metrics),
            IdempotencyPurgeWorker(store: idempotency, logger: logger),
        ]
    )
}
