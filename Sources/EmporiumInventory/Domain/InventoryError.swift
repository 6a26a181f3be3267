/// What inventory refuses, thrown by its store. The gRPC edge answers each case with a
/// status in one table (`RPC/InventoryError+RPC.swift`), the HTTP edge with a problem
/// (`HTTP/InventoryError+Problem.swift`).
public enum InventoryError: Error, Sendable, Equatable {
    /// No reservation has this id.
    case unknownReservation(String)
    /// The reservation is in a state the change cannot move it from (committing a released one).
    case reservationIs(String, ReservationState)
}
