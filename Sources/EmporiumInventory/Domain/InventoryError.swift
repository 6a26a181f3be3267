/// What inventory refuses, thrown by its store behind its gRPC API. The gRPC edge answers
/// each case with a status in one table (`RPC/InventoryError+RPC.swift`); should one ever
/// reach HTTP, it answers with that status's problem (`Problem.answering`).
public enum InventoryError: Error, Sendable, Equatable {
    /// No reservation has this id.
    case unknownReservation(String)
    /// The reservation is in a state the change cannot move it from (committing a released one).
    case reservationIs(String, ReservationState)
}
