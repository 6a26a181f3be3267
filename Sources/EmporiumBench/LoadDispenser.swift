import Synchronization

/// Hands out the schedule's requests in order to whichever shopper is free: a slow answer
/// holds up only its own shopper, and the next due request goes to another.
final class LoadDispenser: Sendable {
    private let next = Atomic<Int>(0)
    let total: Int

    init(total: Int) { self.total = total }

    /// The next request's index; nil once all are taken.
    func take() -> Int? {
        let index = self.next.add(1, ordering: .relaxed).oldValue
        return index < self.total ? index : nil
    }
}
