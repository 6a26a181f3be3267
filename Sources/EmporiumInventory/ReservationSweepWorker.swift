import Foundation
import Logging
import ServiceLifecycle

/// Releases reservations whose checkout never finished, every `interval`. Safe to run on
/// every instance at once: each expiry is a conditional update, so two sweepers (or a
/// sweeper and a late commit) never both act on one reservation.
struct ReservationSweepWorker: Service {
    let store: InventoryStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                // Drain a backlog in batches before sleeping (a batch with failures ends it).
                var failed = false
                while !failed, try await self.store.expireDue(now: Date(), onError: { id, error in
                    failed = true
                    self.logger.warning("Could not expire a reservation", metadata: ["reservation": "\(id)", "error": "\(String(reflecting: error))"])
                }) == 100 {}
            } catch {
                self.logger.warning("Reservation sweep failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }
}
