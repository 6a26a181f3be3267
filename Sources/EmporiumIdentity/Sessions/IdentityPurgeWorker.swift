import EmporiumCore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes login-attempt rows older than the lockout window and refresh tokens past expiry,
/// every `interval`, on every instance (deleting what another instance already deleted is a
/// no-op). Without it both tables only grow: attempts for emails never tried again, and
/// every token ever issued.
struct IdentityPurgeWorker: Service {
    let store: any IdentityStore
    let window: Duration
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: self.interval, logger: self.logger, failure: "Could not purge expired identity rows") {
            let now = Date()
            _ = try await self.store.purgeExpired(attemptsBefore: now.addingTimeInterval(-Double(self.window.components.seconds)), now: now)
        }
    }
}
