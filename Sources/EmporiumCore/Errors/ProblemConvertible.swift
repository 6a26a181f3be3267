import GRPCCore
/// A service's typed error, as its HTTP edge answers it. Domain and store code throw their
/// service's error enum; each service maps every case to a problem in one table (its
/// `HTTP/<Service>Error+Problem.swift`), and `ProblemMiddleware` renders it. The gRPC edge
/// maps the same cases to status codes in its own table (`RPCErrorConvertible`).
public protocol ProblemConvertible: Error {
    var problem: Problem { get }
}

extension Problem: ProblemConvertible {
    public var problem: Problem { self }
}

extension Problem {
    /// The problem a typed error answers HTTP with: its service's problem table, or, for a
    /// service whose errors only have a gRPC table (inventory's and payments' are only
    /// thrown behind their gRPC APIs), the HTTP meaning of that status — NOT_FOUND 404,
    /// FAILED_PRECONDITION 409 and so on. nil for any other error (a peer's `RPCError` is
    /// turned into a problem where the call is made, with `callingService`).
    public static func answering(_ error: any Error) -> Problem? {
        if let convertible = error as? any ProblemConvertible {
            return convertible.problem
        }
        if !(error is RPCError), let convertible = error as? any RPCErrorConvertible {
            return .from(RPCError(convertible), calling: "this")
        }
        return nil
    }
}
