import EmporiumCore
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Finishes checkouts nobody is driving any more — the process running them died, or a
/// call they needed kept failing — once their lease has run out: on start and then every
/// `interval`. Each order is claimed with a conditional update, so with many instances
/// exactly one takes it; it is then driven to `paid` (if its authorization exists) or to
/// `failed` with everything compensated, or, for a cancellation, to `cancelled`.
struct SagaRecoveryWorker: Service {
    let saga: CheckoutSaga
    let interval: Duration
    let logger: Logger
    /// `orders_saga_recovered_total{status}`.
    let recovered: CounterFamily

    init(saga: CheckoutSaga, interval: Duration, logger: Logger, metrics: any MetricsFactory) {
        self.saga = saga
        self.interval = interval
        self.logger = logger
        self.recovered = CounterFamily(
            label: "orders_saga_recovered_total", dimension: "status",
            knownValues: [OrderStatus.paid, .failed, .cancelled].map(\.rawValue), factory: metrics
        )
    }

    func run() async throws {
        await repeatUntilShutdown(every: self.interval, logger: self.logger, failure: "Saga recovery pass failed") {
            _ = try await self.recoverAbandoned()
        }
    }

    /// One pass: returns how many orders it finished.
    func recoverAbandoned(now: Date = Date()) async throws -> Int {
        var finished = 0
        for order in try await self.saga.store.abandoned(now: now, limit: 50) {
            guard try await self.saga.store.claim(order, now: now, leaseUntil: self.saga.leaseUntil(now)) else { continue }
            self.logger.notice("Recovering an unfinished checkout", metadata: ["order": "\(order.id)", "step": "\(order.step.rawValue)"])
            do {
                let done = try await self.saga.drive(order, card: nil)
                if done.step == .done {
                    finished += 1
                    self.recovered.increment(done.status.rawValue)
                }
            } catch OrdersError.inFlight, OrdersError.outOfStock {
                // Another process took the order over, or there was not the stock and the
                // order is discarded: nothing left for recovery to do.
            } catch {
                self.logger.warning("Could not finish a checkout yet", metadata: ["order": "\(order.id)", "error": "\(String(reflecting: error))"])
            }
        }
        return finished
    }
}
