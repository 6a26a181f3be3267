import Foundation
public import Logging
public import ServiceLifecycle

/// Deletes expired idempotency keys every `interval`, on every instance (a delete of what
/// another instance already deleted is a no-op).
public struct IdempotencyPurger: Service {
    let store: IdempotencyStore
    let interval: Duration
    let logger: Logger

    public init(store: IdempotencyStore, interval: Duration = .seconds(600), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await self.store.purgeExpired(now: Date())
            } catch {
                self.logger.warning("Could not purge idempotency keys", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }
}
