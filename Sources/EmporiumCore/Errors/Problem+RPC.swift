public import GRPCCore
import HTTPTypes

/// A problem that reaches a gRPC handler (a shared HTTP-edge helper thrown there by
/// mistake) still answers with a status a caller can act on, never UNKNOWN: bad input
/// INVALID_ARGUMENT, a missing resource NOT_FOUND, a conflict FAILED_PRECONDITION, a busy or
/// starting service UNAVAILABLE, anything else INTERNAL.
extension Problem: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        switch self.status.code {
        case 400, 413, 422: .invalidArgument
        case 401: .unauthenticated
        case 403: .permissionDenied
        case 404: .notFound
        case 409: .failedPrecondition
        case 429: .resourceExhausted
        case 503: .unavailable
        default: .internalError
        }
    }

    public var rpcErrorMessage: String { self.detail }
}
