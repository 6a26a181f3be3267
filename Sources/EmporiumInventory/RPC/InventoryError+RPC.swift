public import GRPCCore

/// Inventory's errors as its gRPC API answers them: the one table. Checkout reads
/// FAILED_PRECONDITION as "this reservation moved on" and NOT_FOUND as "never reserved".
extension InventoryError: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        switch self {
        case .unknownReservation: .notFound
        case .reservationIs: .failedPrecondition
        }
    }

    public var rpcErrorMessage: String {
        switch self {
        case .unknownReservation(let id): "No reservation \(id)."
        case .reservationIs(let id, let state): "Reservation \(id) is already \(state.rawValue)."
        }
    }
}
