import Foundation
import Logging
import ServiceLifecycle

/// Releases reservations whose checkout never finished, every `interval`. Safe to run on
/// every instance at once: each expiry is a conditional update, so two sweepers (or a
/// sweeper and a late commit) never both act on one reservation.
struct ReservationSweeper: Service {
    let store: InventoryStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                // Drain a backlog in batches before sleeping.
                while try await self.store.expireDue(now: Date()) == 100 {}
            } catch {
                self.logger.warning("Reservation sweep failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try await Task.sleep(for: self.interval)
        }
    }
}
