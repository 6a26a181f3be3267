public import EmporiumCore

/// The built-in card processor: a simulator that answers like a real one for API.md's test
/// cards. `4000000000000002` is declined (`card_declined`), `4000000000009995` declined
/// (`insufficient_funds`), `4000000000000119` fails transiently (`processing_error`, every
/// time, so the caller's retries run out); every other valid card is approved.
public struct CardProcessor: Sendable {
    public enum Answer: Sendable, Equatable {
        case approved
        case declined(code: String)
    }

    /// A failure worth retrying: the processor did not decide.
    public struct TransientFailure: Error {}

    public init() {}

    public func authorize(_ card: PaymentCard, amount: Money) async throws -> Answer {
        switch card.number {
        case "4000000000000002": return .declined(code: "card_declined")
        case "4000000000009995": return .declined(code: "insufficient_funds")
        case "4000000000000119": throw TransientFailure()
        default: return .approved
        }
    }
}
