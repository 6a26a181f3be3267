public import EmporiumCore

/// What payments refuses, thrown by its store behind its gRPC API: an unknown payment (for
/// a void by order: the order has none and none could be placed), or one in a state the
/// move cannot leave. Answered over gRPC by `RecordMoveError`'s one table; should one ever
/// reach HTTP, with that status's problem (`Problem.answering`).
public typealias PaymentsError = RecordMoveError<PaymentStatus>

extension PaymentStatus: RecordState {
    public static let recordName = "payment"
}
