import EmporiumCore
import Synchronization

/// bcrypt's CPU as a bounded resource, shared by registration and login: at most
/// `concurrency` hashes run at once and at most `queue` wait; anything more is refused at
/// once with 503 + `Retry-After` instead of piling up until every request times out.
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

        var running: Int { self.runningLogins + self.runningRegistrations }
        var waiting: Int { self.logins.count + self.registrations.count }
    }

    let concurrency: Int
    let queue: Int
    /// Slots registrations may run in at once.
    let registrationSlots: Int
    private let state = Mutex(State())

    init(concurrency: Int, queue: Int) {
        self.concurrency = max(1, concurrency)
        self.queue = max(0, queue)
        self.registrationSlots = max(1, self.concurrency - 1)
    }

    /// Runs `body` in a slot, waiting for one if the queue has room; throws `IdentityError.passwordChecksBusy` if not.
    func run<T: Sendable>(_ priority: Priority, _ body: () async throws -> T) async throws -> T {
        try await self.acquire(priority)
        defer { self.release(priority) }
        return try await body()
    }

    /// Whether a call of `priority` would get a slot or a place in the queue right now. A
    /// cheap look before any other work (a database write), so a flood the queue cannot take
    /// is refused for next to nothing; `run` still decides for real.
    func hasRoom(_ priority: Priority) -> Bool {
        self.state.withLock { self.admission(priority, $0) != .refuse }
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
        case .login where state.waiting < self.queue: return .wait
        case .register where state.waiting < self.queue && state.registrations.count < self.queue / 2: return .wait
        default: return .refuse
        }
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
                        return .failure(IdentityError.passwordChecksBusy)
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
