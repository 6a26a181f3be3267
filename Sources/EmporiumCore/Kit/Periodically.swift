public import Logging
import ServiceLifecycle

/// The loop of every background service (sweepers, purgers, relays, recovery): run `pass`,
/// log a failure as `failure` and carry on, wait `interval`, until graceful shutdown. A
/// pass is never cut off halfway; the wait is.
public func repeatUntilShutdown(
    every interval: Duration,
    logger: Logger,
    failure: @autoclosure () -> Logger.Message,
    _ pass: () async throws -> Void
) async {
    while !Task.isCancelled && !Task.isShuttingDownGracefully {
        do {
            try await pass()
        } catch {
            logger.warning(failure(), metadata: ["error": "\(String(reflecting: error))"])
        }
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
    }
}
