import EmporiumCore
public import GRPCCore

/// Identity's errors as its gRPC API answers them: the one table (the codes
/// `identity.proto` promises the storefront).
extension IdentityError: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        switch self {
        case .invalid: .invalidArgument
        case .emailTaken: .alreadyExists
        case .wrongCredentials, .refreshTokenInvalid, .refreshTokenReused: .unauthenticated
        // Not RESOURCE_EXHAUSTED: the caller's circuit breaker counts that as the peer
        // failing, and a shopper's lockout would open the circuit for every shopper.
        case .tooManyAttempts: .failedPrecondition
        // No bcrypt capacity now: the peer is overloaded, which is what the breaker is for.
        case .passwordChecksBusy: .resourceExhausted
        // Still starting: callers retry UNAVAILABLE.
        case .keysNotLoaded: .unavailable
        }
    }

    /// Every invalid field by name ("email must be …; password must be …"), so the caller
    /// can say which; otherwise the HTTP problem's detail.
    public var rpcErrorMessage: String {
        if case .invalid(let errors) = self {
            return errors.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
        }
        return self.problem.detail
    }

    /// A lockout says when to try again (`retry-after`, seconds), as HTTP's `Retry-After` does.
    public var rpcErrorMetadata: Metadata {
        guard case .tooManyAttempts(_, let retryAfter) = self else { return [:] }
        return ["retry-after": "\(retryAfter)"]
    }
}
