public import GRPCCore

/// Payments' errors as its gRPC API answers them: the one table. Checkout reads
/// FAILED_PRECONDITION as "this payment moved on" and NOT_FOUND as "no such payment".
extension PaymentsError: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        switch self {
        case .unknownPayment: .notFound
        case .paymentIs: .failedPrecondition
        }
    }

    public var rpcErrorMessage: String {
        switch self {
        case .unknownPayment(let id): "No payment \(id)."
        case .paymentIs(let id, let status): "Payment \(id) is \(status.rawValue)."
        }
    }
}
