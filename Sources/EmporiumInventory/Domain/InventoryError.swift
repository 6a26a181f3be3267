public import EmporiumCore

/// What inventory refuses, thrown by its store behind its gRPC API: an unknown reservation,
/// or one in a state the move cannot leave. Answered over gRPC by `RecordMoveError`'s one
/// table; should one ever reach HTTP, with that status's problem (`Problem.answering`).
public typealias InventoryError = RecordMoveError<ReservationState>

extension ReservationState: RecordState {
    public static let recordName = "reservation"
}
