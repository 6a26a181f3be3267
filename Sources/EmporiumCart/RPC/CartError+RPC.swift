import EmporiumCore
public import GRPCCore

/// The cart's errors as its gRPC API answers them: the one table.
extension CartError: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        switch self {
        case .unknownSku, .skuNotSold, .lineOverLimit, .tooManyLines: .invalidArgument
        case .notInCart: .notFound
        }
    }

    public var rpcErrorMessage: String { self.problem.detail }
}
