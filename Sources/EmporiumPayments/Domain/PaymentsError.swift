/// What payments refuses, thrown by its store behind its gRPC API. The gRPC edge answers
/// each case with a status in one table (`RPC/PaymentsError+RPC.swift`); should one ever
/// reach HTTP, it answers with that status's problem (`Problem.answering`).
public enum PaymentsError: Error, Sendable, Equatable {
    /// No payment has this id (or, for a void by order, the order has none and none could be placed).
    case unknownPayment(String)
    /// The payment is in a state the change cannot leave (capturing a voided one).
    case paymentIs(String, PaymentStatus)
}
