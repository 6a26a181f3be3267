public import ArgumentParser
public import EmporiumClients
public import EmporiumCore
import Foundation
import Logging
import Metrics

/// The orders service: orders, their lines, the outbox and idempotency keys on its
/// database; the `/api/v1/orders` routes and the gRPC API the storefront checks out
/// through (the same rules); the checkout saga over cart, inventory and
/// payments; and, in the background, the outbox relay, saga recovery and the purge of
/// expired idempotency keys.
public enum OrdersService: ServiceDefinition {
    public static let name = "orders"
    public static let summary = "Orders and checkout: the checkout saga over cart, inventory and payments."
    public static let peers = [CartClient.peer, InventoryClient.peer, PaymentsClient.peer]
    public static let environmentHelp = """
        Tests only: EMPORIUM_FAULT=orders.<step>:crash kills the process at that checkout step; \
        refused at start unless EMPORIUM_TEST_MODE=1.
        """

    public struct Flags: SettingsFlags {
        @OptionGroup var cart: PeerAddressFlag<CartClient>
        @OptionGroup var inventory: PeerAddressFlag<InventoryClient>
        @OptionGroup var payments: PeerAddressFlag<PaymentsClient>

        @Option(help: "Milliseconds a running checkout owns its order before recovery may take it over (EMPORIUM_SAGA_LEASE_MS, default 15000).")
        var sagaLeaseMs: Int?

        @Option(help: "Milliseconds between looks for abandoned checkouts (EMPORIUM_SAGA_RECOVERY_MS, default 5000).")
        var sagaRecoveryMs: Int?

        @Option(help: "Milliseconds an idempotency key's claim holds without an answer (EMPORIUM_IDEMPOTENCY_LEASE_MS, default 5000).")
        var idempotencyLeaseMs: Int?

        @Option(help: "Milliseconds between outbox relay passes (EMPORIUM_OUTBOX_INTERVAL_MS, default 1000).")
        var outboxIntervalMs: Int?

        public init() {}

        public var flags: [String: String] {
            let own = Self.given([
                "sagaLeaseMs": self.sagaLeaseMs, "sagaRecoveryMs": self.sagaRecoveryMs,
                "idempotencyLeaseMs": self.idempotencyLeaseMs, "outboxIntervalMs": self.outboxIntervalMs,
            ])
            return [self.cart.flags, self.inventory.flags, self.payments.flags].reduce(own) { $0.merging($1) { $1 } }
        }
    }

    public struct Settings: Sendable {
        /// How long a running checkout owns its order before recovery may take it over: renewed
        /// at every step, so above the longest stretch of calls between two renewals (a
        /// compensation: void, a payment lookup, commit or release — four calls of at most
        /// the 2 s gRPC deadline each); a checkout that stops on a failed call gives it up at
        /// once, so the lease only runs out after a crash.
        public var sagaLease: Duration = .seconds(15)
        /// How often recovery looks for abandoned checkouts.
        public var sagaRecoveryInterval: Duration = .seconds(5)
        /// How long an idempotency key's claim holds without an answer before a retry may
        /// run the request again: a retry of a checkout whose process died is told "still
        /// running" (409) until then, so it is short. The saga, not this claim, is what keeps
        /// a checkout from running twice: a retry past it finds the order under its key and
        /// is answered from it (or 409 while another process still drives it).
        public var idempotencyLease: Duration = .seconds(5)
        public var outboxInterval: Duration = .seconds(1)
        /// Tests only: `orders.<step>:crash` kills the process at that checkout step.
        public var fault: String?

        public init() {}

        public init(reader: SettingsReader) throws {
            self.sagaLease = try reader.int("sagaLeaseMs", in: 100...3_600_000).map { .milliseconds($0) } ?? self.sagaLease
            self.sagaRecoveryInterval = try reader.int("sagaRecoveryMs", in: 10...3_600_000).map { .milliseconds($0) } ?? self.sagaRecoveryInterval
            self.idempotencyLease = try reader.int("idempotencyLeaseMs", in: 100...3_600_000).map { .milliseconds($0) } ?? self.idempotencyLease
            self.outboxInterval = try reader.int("outboxIntervalMs", in: 10...3_600_000).map { .milliseconds($0) } ?? self.outboxInterval
            self.fault = reader.string("fault")
            // The crash switch kills the process on purpose: a production binary refuses it
            // unless the operator says in so many words that this is a test.
            if self.fault != nil, try reader.bool("testMode") != true {
                throw ConfigurationError.invalid(key: "fault", reason: "EMPORIUM_FAULT is a test-only crash switch; it needs EMPORIUM_TEST_MODE=1")
            }
        }
    }

    public static func settings(from reader: SettingsReader) throws -> Settings {
        try Settings(reader: reader)
    }

    public static func build(_ context: ServiceContext, settings: Settings) throws -> ServiceUnit {
        let cart = try context.network.client(CartClient.self)
        let logger = context.logger
        let store = OrdersStore(database: context.database)
        let idempotency = IdempotencyStore(database: context.database)
        // One set of installation secrets (fingerprint and cursor keys), read once per process.
        let secrets = InstallationSecrets(database: context.database)
        let checkouts = CounterFamily(
            label: "orders_checkouts_total", dimension: "outcome",
            knownValues: [
                "paid", "card_declined", "insufficient_funds", "processing_error",
                "empty_cart", "out_of_stock", "in_flight", "unfinished", "error",
            ],
            factory: context.metrics
        )
        let relay = OutboxRelayWorker(store: store, cart: cart, interval: settings.outboxInterval, logger: logger, metrics: context.metrics)
        let saga = CheckoutSaga(
            store: store, cart: cart, inventory: try context.network.client(InventoryClient.self),
            payments: try context.network.client(PaymentsClient.self), relay: relay,
            lease: settings.sagaLease, faults: FaultInjector(spec: settings.fault), logger: logger
        )
        let orders = ShopperOrders(saga: saga, checkouts: checkouts, cursorSecrets: secrets)
        return ServiceUnit(
            name: self.name,
            database: context.database,
            migrations: OrdersMigrations.all,
            addRoutes: { router in
                OrdersController(
                    orders: orders, idempotency: idempotency, secrets: secrets, idempotencyLease: settings.idempotencyLease,
                    verifier: context.verifier
                ).addRoutes(to: router)
            },
            rpcServices: [OrdersRPCService(orders: orders, logger: logger)],
            background: [
                relay,
                SagaRecoveryWorker(saga: saga, interval: settings.sagaRecoveryInterval, logger: logger, metrics: context.metrics),
                IdempotencyPurgeWorker(store: idempotency, logger: logger),
                SampledGaugesWorker(factory: context.metrics, logger: logger) {
                    // Stuck: not claimed by recovery for three of its passes.
                    let pass = settings.sagaRecoveryInterval.components
                    return try await store.gauges(now: Date(), stuckAfter: 3 * (Double(pass.seconds) + Double(pass.attoseconds) / 1e18))
                },
            ]
        )
    }
}
