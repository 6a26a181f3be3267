import Synchronization

/// Where the process is in its life: `/health/ready` answers 200 only when `ready` and the
/// databases respond; API requests wait briefly, then are refused with 503, while
/// `starting`. Read on every request, so it is a lock-free atomic.
public final class Readiness: Sendable {
    public enum State: UInt8, Sendable {
        case starting, ready, draining

        public var name: String {
            switch self {
            case .starting: "starting"
            case .ready: "ready"
            case .draining: "draining"
            }
        }
    }

    private let value = Atomic<UInt8>(State.starting.rawValue)

    public init() {}

    public var state: State { State(rawValue: self.value.load(ordering: .acquiring)) ?? .starting }

    public func set(_ state: State) {
        self.value.store(state.rawValue, ordering: .releasing)
    }

    /// Waits while the process is starting, at most `limit`; true once it is past starting.
    /// Polls: only requests that arrive in the start's few milliseconds ever wait, so a
    /// waiter list would buy nothing.
    public func waitWhileStarting(upTo limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while self.state == .starting {
            guard ContinuousClock.now < deadline, (try? await Task.sleep(for: .milliseconds(5))) != nil else { return false }
        }
        return true
    }
}
