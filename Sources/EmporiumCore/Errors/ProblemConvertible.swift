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
