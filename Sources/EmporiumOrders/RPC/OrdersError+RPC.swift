import EmporiumClients
import EmporiumCore
public import GRPCCore

/// Orders' errors as its gRPC API answers them: the one table. Declines and out of stock
/// are answers of Checkout, not errors (`OrdersRPCService`); they appear here only so a
/// stray one still means something to a caller.
extension OrdersError: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        switch self {
        case .invalid, .emptyCart: .invalidArgument
        case .inFlight, .keyJustReleased: .aborted
        case .declined, .outOfStock, .notCancellable, .alreadyCancelling, .notShippable: .failedPrecondition
        case .checkoutFailed, .checkoutPending, .checkoutInterrupted, .cancellationInterrupted: .unavailable
        case .notFound: .notFound
        case .lostOrder: .internalError
        }
    }

    /// Every invalid field, named, for INVALID_ARGUMENT; the problem's detail otherwise.
    public var rpcErrorMessage: String {
        switch self {
        case .invalid(let errors):
            errors.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
        default:
            self.problem.detail
        }
    }

    /// Which refusal an INVALID_ARGUMENT is (an empty cart, or invalid fields), so a client
    /// tells them apart without reading the message.
    public var rpcErrorMetadata: Metadata {
        switch self {
        case .emptyCart: [OrdersRefusal.metadataKey: .string(OrdersRefusal.emptyCartValue)]
        default: [:]
        }
    }
}
