import Dispatch
import Synchronization

/// Admission control: at most `limit` requests are worked on at once; a few more wait
/// their turn (at most `queue`, each at most `maxWait`), and anything beyond is refused at
/// once. Past capacity a server otherwise accepts everything and every request gets slower
/// (each holds memory, a connection, a database slot) until clients time out and retry:
/// the work done is wasted and nobody is served. Refusing the excess at the door keeps the
/// accepted requests as fast as at capacity and the memory flat; the refused get a 503
/// with Retry-After, which NGINX passes on and clients understand.
///
/// Waiters are served first come, first served; one that waited longer than `maxWait` when
/// its turn comes, or when a newer request arrives, is refused then instead of being
/// served late (a slow answer is worth less than a fast "try again").
public final class AdmissionGate: Sendable {
    public enum Verdict: Sendable { case admitted, refused }

    private struct Waiter {
        var id: UInt64
        var since: UInt64
        var continuation: CheckedContinuation<Verdict, Never>
    }

    private struct State {
        var running = 0
        var waiters: [Waiter] = []
        var head = 0
        var nextId: UInt64 = 0
        var waiting: Int { self.waiters.count - self.head }

        mutating func popFirst() -> Waiter? {
            guard self.head < self.waiters.count else { return nil }
            let waiter = self.waiters[self.head]
            self.head += 1
            // Compact now and then: the array never grows past the queue for long.
            if self.head > 64, self.head * 2 > self.waiters.count {
                self.waiters.removeFirst(self.head)
                self.head = 0
            }
            return waiter
        }
    }

    public let limit: Int
    public let queue: Int
    let maxWaitNanoseconds: UInt64
    private let state = Mutex(State())

    public init(limit: Int, queue: Int, maxWait: Duration) {
        self.limit = max(1, limit)
        self.queue = max(0, queue)
        let (seconds, attoseconds) = maxWait.components
        self.maxWaitNanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// Requests being worked on and waiting now.
    public var load: (running: Int, waiting: Int) { self.state.withLock { ($0.running, $0.waiting) } }

    /// Waits for a slot if the queue has room; `.refused` if not (or if the wait ran out).
    /// Every `.admitted` must be followed by exactly one `leave()`.
    public func enter() async -> Verdict {
        let now = DispatchTime.now().uptimeNanoseconds
        var expired: [Waiter] = []
        let id: UInt64? = self.state.withLock { state in
            if state.running < self.limit, state.waiting == 0 {
                state.running += 1
                return nil
            }
            expired = self.expire(&state, now: now)
            state.nextId += 1
            return state.nextId
        }
        for waiter in expired { waiter.continuation.resume(returning: .refused) }
        guard let id else { return .admitted }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let verdict: Verdict? = self.state.withLock { state in
                    // The client went away before it was queued: no place for it.
                    if Task.isCancelled { return .refused }
                    // A slot may have freed meanwhile (the waiters ahead all gone).
                    if state.running < self.limit, state.waiting == 0 {
                        state.running += 1
                        return .admitted
                    }
                    guard state.waiting < self.queue else { return .refused }
                    state.waiters.append(Waiter(id: id, since: now, continuation: continuation))
                    return nil
                }
                if let verdict { continuation.resume(returning: verdict) }
            }
        } onCancel: {
            // A client that went away gives its place up at once (refused: it holds no slot).
            let waiter = self.state.withLock { state -> Waiter? in
                guard let index = state.waiters[state.head...].firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(returning: .refused)
        }
    }

    /// Frees a slot: the next waiter still within its wait takes it; the ones that waited
    /// too long are refused on the way.
    public func leave() {
        let now = DispatchTime.now().uptimeNanoseconds
        var refused: [Waiter] = []
        let next: Waiter? = self.state.withLock { state in
            while let waiter = state.popFirst() {
                if now - min(waiter.since, now) > self.maxWaitNanoseconds {
                    refused.append(waiter)
                    continue
                }
                return waiter  // the slot passes to it: running stays the same
            }
            state.running -= 1
            return nil
        }
        for waiter in refused { waiter.continuation.resume(returning: .refused) }
        next?.continuation.resume(returning: .admitted)
    }

    /// Takes the waiters at the head that waited too long out of the queue.
    private func expire(_ state: inout State, now: UInt64) -> [Waiter] {
        var expired: [Waiter] = []
        while state.head < state.waiters.count, now - min(state.waiters[state.head].since, now) > self.maxWaitNanoseconds, let waiter = state.popFirst() {
            expired.append(waiter)
        }
        return expired
    }
}
