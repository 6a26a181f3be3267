import Dispatch
import EmporiumCore
import Metrics
import Synchronization

/// bcrypt's CPU as a bounded resource, shared by registration and login: at most
/// `concurrency` hashes run at once; a call waits for a slot only while its expected wait
/// (the calls ahead of it × the recent time of one hash ÷ the slots) stays within
/// `maxWait`, and at most `queue` wait in all; anything more is refused at once with 503
/// and a `Retry-After` of the time the queue needs to drain, instead of piling up until
/// every request times out. Bounding the queue by time rather than by count is what keeps
/// a burst of sign-ins at bcrypt's full rate: the slots never idle while refused callers
/// wait, and those come back when there is room.
///
/// Logins come first, so a flood of registrations cannot make a shopper's login wait behind
/// it: a waiting login takes the next free slot before any waiting registration,
/// registrations may fill only half of the queue, and (with two or more slots) they may
/// run in all but one, so a login finds a free slot instead of waiting for a hash to end.
final class BcryptGate: Sendable {
    enum Priority: Sendable { case login, register }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var runningLogins = 0
        var runningRegistrations = 0
        var logins: [Waiter] = []
        var registrations: [Waiter] = []
        var nextId: UInt64 = 0
        /// Recent seconds of one hash (moving average), for the expected wait.
        var hashSeconds: Double


        var running: Int { self.runningLogins + self.runningRegistrations }
        var waiting: Int { self.logins.count + self.registrations.count }
    }

    let concurrency: Int
    let queue: Int
    let maxWait: Double
    /// Slots registrations may run in at once.
    let registrationSlots: Int
    private let state: Mutex<State>
    /// `identity_password_hashes_total`, `identity_password_hash_seconds` (time in bcrypt,
    /// not in the queue) and `identity_password_hash_slots`: slots ÷ the mean hash time is
    /// the sign-in rate bcrypt allows, which the load benchmark compares sign-ins with.
    private let hashes: Counter
    private let hashTimer: Metrics.Timer

    /// `initialHashSeconds`: the estimate until hashes have been timed (cost 10 takes
    /// 50–100 ms on one core).
    init(
        concurrency: Int, queue: Int, maxWait: Duration = .seconds(3), initialHashSeconds: Double = 0.1,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.concurrency = max(1, concurrency)
        self.queue = max(0, queue)
        let (seconds, attoseconds) = maxWait.components
        self.maxWait = Double(seconds) + Double(attoseconds) / 1e18
        self.registrationSlots = max(1, self.concurrency - 1)
        self.state = Mutex(State(hashSeconds: initialHashSeconds))
        self.hashes = Counter(label: "identity_password_hashes_total", factory: metrics)
        self.hashTimer = Metrics.Timer(label: "identity_password_hash_seconds", preferredDisplayUnit: .seconds, factory: metrics)
        Gauge(label: "identity_password_hash_slots", factory: metrics).record(self.concurrency)
    }

    /// Runs `body` in a slot, waiting for one if the queue has room; throws
    /// `IdentityError.passwordChecksBusy` if not.
    func run<T: Sendable>(_ priority: Priority, _ body: () async throws -> T) async throws -> T {
        try await self.acquire(priority)
        defer { self.release(priority) }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try await body()
        let nanoseconds = DispatchTime.now().uptimeNanoseconds - start
        self.hashes.increment()
        self.hashTimer.recordNanoseconds(Int64(nanoseconds))
        self.state.withLock { $0.hashSeconds = 0.8 * $0.hashSeconds + 0.2 * Double(nanoseconds) / 1e9 }
        return result
    }

    /// Throws `IdentityError.passwordChecksBusy` unless a call of `priority` would get a
    /// slot or a place in the queue right now. A cheap look before any other work (a
    /// database write), so a flood the queue cannot take is refused for next to nothing;
    /// `run` still decides for real.
    func checkRoom(_ priority: Priority) throws {
        if let refusal = self.state.withLock({ self.admission(priority, $0) == .refuse ? self.busy($0) : nil }) { throw refusal }
    }

    /// What is running and waiting now (for tests).
    var load: (running: Int, waiting: Int) {
        self.state.withLock { ($0.running, $0.waiting) }
    }

    private enum Admission { case run, wait, refuse }

    private func canRun(_ priority: Priority, _ state: State) -> Bool {
        state.running < self.concurrency && (priority == .login || state.runningRegistrations < self.registrationSlots)
    }

    private func admission(_ priority: Priority, _ state: State) -> Admission {
        if self.canRun(priority, state) { return .run }
        switch priority {
        case .login where state.waiting < self.queue && self.expectedWait(ahead: state.logins.count, slots: self.concurrency, state) <= self.maxWait:
            return .wait
        case .register
        where state.waiting < self.queue && state.registrations.count < self.queue / 2
            && self.expectedWait(ahead: state.waiting, slots: self.registrationSlots, state) <= self.maxWait / 2:
            return .wait
        default: return .refuse
        }
    }

    /// Seconds until a call with `ahead` calls before it gets one of `slots`.
    private func expectedWait(ahead: Int, slots: Int, _ state: State) -> Double {
        Double(ahead + 1) * state.hashSeconds / Double(slots)
    }

    /// The refusal, with the seconds the queue needs to drain as Retry-After.
    private func busy(_ state: State) -> IdentityError {
        let drain = (Double(state.waiting) * state.hashSeconds / Double(self.concurrency)).rounded(.up)
        return .passwordChecksBusy(retryAfterSeconds: Int(min(max(drain, 1), 60)))
    }

    private static func start(_ priority: Priority, _ state: inout State) {
        switch priority {
        case .login: state.runningLogins += 1
        case .register: state.runningRegistrations += 1
        }
    }

    private func acquire(_ priority: Priority) async throws {
        let id = self.state.withLock { state in
            state.nextId += 1
            return state.nextId
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let verdict: Result<Void, any Error>? = self.state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    switch self.admission(priority, state) {
                    case .run:
                        Self.start(priority, &state)
                        return .success(())
                    case .wait where priority == .login:
                        state.logins.append(Waiter(id: id, continuation: continuation))
                        return nil
                    case .wait:
                        state.registrations.append(Waiter(id: id, continuation: continuation))
                        return nil
                    case .refuse:
                        return .failure(self.busy(state))
                    }
                }
                if let verdict { continuation.resume(with: verdict) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> Waiter? in
                if let index = state.logins.firstIndex(where: { $0.id == id }) { return state.logins.remove(at: index) }
                if let index = state.registrations.firstIndex(where: { $0.id == id }) { return state.registrations.remove(at: index) }
                return nil
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Frees the slot and starts the next waiter that may run (logins first).
    private func release(_ priority: Priority) {
        let next = self.state.withLock { state -> Waiter? in
            switch priority {
            case .login: state.runningLogins -= 1
            case .register: state.runningRegistrations -= 1
            }
            if !state.logins.isEmpty, self.canRun(.login, state) {
                Self.start(.login, &state)
                return state.logins.removeFirst()
            }
            if !state.registrations.isEmpty, self.canRun(.register, state) {
                Self.start(.register, &state)
                return state.registrations.removeFirst()
            }
            return nil
        }
        next?.continuation.resume()
    }
}
