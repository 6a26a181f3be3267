import GRPCCore
import Synchronization

/// The one answer a direct call gets: the handler's result, the deadline or the caller's
/// cancellation, whichever comes first; the others are ignored.
final class DirectCallOutcome<Output: Sendable>: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Output, any Error>?)
        case resolved(Result<Output, any Error>)
    }

    private let state = Mutex(State.waiting(nil))

    func resolve(_ result: Result<Output, any Error>) {
        let waiter: CheckedContinuation<Output, any Error>? = self.state.withLock { state in
            guard case .waiting(let continuation) = state else { return nil }
            state = .resolved(result)
            return continuation
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let resolved: Result<Output, any Error>? = self.state.withLock { state in
                switch state {
                case .resolved(let result):
                    return result
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let resolved { continuation.resume(with: resolved) }
        }
    }
}

/// Receives the one message a unary handler writes.
final class DirectResponseCollector<Output: Sendable>: RPCWriterProtocol, Sendable {
    private let received = Mutex<Output?>(nil)

    func write(_ element: Output) async throws {
        self.received.withLock { $0 = element }
    }

    func write(contentsOf elements: some Sequence<Output>) async throws {
        for element in elements { try await self.write(element) }
    }

    func message() throws -> Output {
        guard let message = self.received.withLock({ $0 }) else {
            throw RPCError(code: .internalError, message: "The handler finished without a response message.")
        }
        return message
    }
}
