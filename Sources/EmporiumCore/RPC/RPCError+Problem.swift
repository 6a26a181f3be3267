public import GRPCCore

extension Problem {
    /// What an HTTP client sees when an internal call fails: the peer's own verdict for
    /// bad input (INVALID_ARGUMENT → 422, NOT_FOUND → 404, FAILED_PRECONDITION → 409), a 503
    /// with `Retry-After` when the peer is down, too slow, overloaded or its circuit is open,
    /// and a plain 500 for a peer's bug (UNKNOWN, INTERNAL, …): retrying would not help.
    public static func from(_ error: RPCError, calling service: String) -> Problem {
        switch error.code {
        case .invalidArgument:
            return .validation(field: "request", error.message)
        case .notFound:
            return .notFound(error.message)
        case .failedPrecondition, .alreadyExists, .aborted:
            return .conflict(error.message)
        case .deadlineExceeded:
            return .serviceUnavailable("The \(service) service did not answer in time; try again.", retryAfterSeconds: 1)
        case .unavailable, .resourceExhausted, .cancelled:
            return .serviceUnavailable("The \(service) service is unavailable; try again shortly.", retryAfterSeconds: 1)
        default:
            return .internalError
        }
    }
}

/// Runs one internal call, turning its failure into the `Problem` an HTTP handler throws.
public func callingService<T>(_ service: String, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as RPCError {
        throw Problem.from(error, calling: service)
    }
}
