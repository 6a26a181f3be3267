import EmporiumCore
public import GRPCCore

/// Catalog's errors as its gRPC API answers them: the one table.
extension CatalogError: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        switch self {
        case .invalid, .unknownCategory, .cursorForAnotherSort: .invalidArgument
        case .slugTaken, .skusTaken, .concurrentChange: .failedPrecondition
        case .lostWrite: .internalError
        }
    }

    public var rpcErrorMessage: String { self.problem.detail }
}
