public import EmporiumCore

/// Payments' errors as HTTP answers them: the one table (the public route only reads; the
/// table keeps any route that moves a payment from answering a 500).
extension PaymentsError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .unknownPayment(let id): .notFound("No payment \(id).")
        case .paymentIs(let id, let status): .conflict("Payment \(id) is \(status.rawValue).")
        }
    }
}
