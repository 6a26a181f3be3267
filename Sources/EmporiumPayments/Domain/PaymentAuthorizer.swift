public import EmporiumCore
public import Foundation

/// Authorizing a card: validate it, ask the processor (retrying its transient failures with
/// jittered backoff), record the answer. Idempotent by order: a second Authorize for an
/// order returns its first payment without asking the processor again.
public struct PaymentAuthorizer: Sendable {
    let store: PaymentsStore
    let processor: CardProcessor
    let attempts: Int
    let backoff: Duration

    public init(store: PaymentsStore, processor: CardProcessor = CardProcessor(), attempts: Int = 3, backoff: Duration = .milliseconds(20)) {
        self.store = store
        self.processor = processor
        self.attempts = attempts
        self.backoff = backoff
    }

    public func authorize(orderId: String, amount: Money, card: PaymentCard) async throws -> Payment {
        if let existing = try await self.store.payment(orderId: orderId) {
            return existing
        }
        var declineCode: String?
        var attempt = 0
        while true {
            attempt += 1
            do {
                if case .declined(let code) = try await self.processor.authorize(card, amount: amount) {
                    declineCode = code
                }
                break
            } catch is CardProcessor.TransientFailure {
                guard attempt < self.attempts else {
                    declineCode = "processing_error"
                    break
                }
                // Exponential backoff with full jitter.
                let ceiling = self.backoff * (1 << (attempt - 1))
                try await Task.sleep(for: ceiling * Double.random(in: 0.5...1))
            }
        }
        return try await self.store.record(orderId: orderId, amount: amount, card: card, declineCode: declineCode, now: Date())
    }
}
