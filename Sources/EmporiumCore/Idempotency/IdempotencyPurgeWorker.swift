import Foundation
public import Logging
public import ServiceLifecycle

/// Deletes expired idempotency keys every `interval`, on every instance (a delete of what
/// another instance already deleted is a no-op).
public struct IdempotencyPurgeWorker: Service {
    let store: IdempotencyStore
    let interval: Duration
    let logger: Logger

    public init(store: IdempotencyStore, interval: Duration = .seconds(600), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: self.interval, logger: self.logger, failure: "Could not purge idempotency keys") {
            _ = try await self.store.purgeExpired(now: Date())
        }
    }
}
