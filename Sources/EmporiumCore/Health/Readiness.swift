import NIOConcurrencyHelpers

/// Where the process is in its life: `/health/ready` answers 200 only when `ready` and the
/// databases respond; API requests are refused with 503 while `starting`.
public final class Readiness: Sendable {
    public enum State: String, Sendable {
        case starting, ready, draining
    }

    private let box = NIOLockedValueBox(State.starting)

    public init() {}

    public var state: State { self.box.withLockedValue { $0 } }

    public func set(_ state: State) {
        self.box.withLockedValue { $0 = state }
    }
}
