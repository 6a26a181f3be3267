import Dispatch
public import GRPCCore
import Synchronization

/// Stops calling a peer that keeps failing: after `threshold` consecutive failures (the
/// peer down, too slow, overloaded or broken) for one service, its circuit opens and calls fail at once
/// with UNAVAILABLE ("circuit open") for `openDuration`; then one trial call is let
/// through, and its outcome closes the circuit or opens it again. Keyed by target service,
/// so a dead inventory does not stop calls to catalog.
public final class CircuitBreaker: Sendable {
    enum State: Equatable {
        case closed(failures: Int)
        case open(until: UInt64)
        case trial(since: UInt64)
    }

    private let threshold: Int
    private let openNanoseconds: UInt64
    private let states = Mutex<[String: State]>([:])

    public init(threshold: Int, openDuration: Duration) {
        self.threshold = max(1, threshold)
        let (seconds, attoseconds) = openDuration.components
        self.openNanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// Whether a call to `service` may go out now.
    func admit(_ service: String) -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        return self.states.withLock { states in
            switch states[service] ?? .closed(failures: 0) {
            case .closed:
                return true
            case .open(let until) where now >= until:
                states[service] = .trial(since: now)
                return true
            case .trial(let since) where now - since >= self.openNanoseconds:
                // The trial call never reported (its caller went away): allow another.
                states[service] = .trial(since: now)
                return true
            case .open, .trial:
                return false
            }
        }
    }

    enum Outcome { case healthy, failed, neutral }

    /// An answer of any kind, even a refusal of bad input, shows the peer is healthy; a
    /// cancelled call (the caller went away) says nothing either way.
    static func outcome(_ code: Status.Code) -> Outcome {
        switch code {
        case .unavailable, .deadlineExceeded, .resourceExhausted, .internalError, .unknown, .dataLoss: .failed
        case .cancelled: .neutral
        default: .healthy
        }
    }

    func record(_ service: String, code: Status.Code) {
        let outcome = Self.outcome(code)
        let now = DispatchTime.now().uptimeNanoseconds
        self.states.withLock { states in
            let state = states[service] ?? .closed(failures: 0)
            if outcome == .neutral {
                // A trial that never finished proves nothing: let the next call try again.
                if case .trial = state { states[service] = .open(until: now) }
                return
            }
            switch (state, outcome == .failed) {
            case (_, false):
                states[service] = .closed(failures: 0)
            case (.closed(let failures), true) where failures + 1 < self.threshold:
                states[service] = .closed(failures: failures + 1)
            case (.closed, true), (.trial, true):
                states[service] = .open(until: now + self.openNanoseconds)
            case (.open, true):
                break
            }
        }
    }

    /// Whether `service`'s circuit is open (for tests and readiness).
    public func isOpen(_ service: String) -> Bool {
        self.states.withLock { states in
            if case .open = states[service] { return true }
            return false
        }
    }
}
