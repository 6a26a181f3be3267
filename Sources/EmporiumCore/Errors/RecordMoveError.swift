public import GRPCCore

/// The state a record of a service's state machine is in (a reservation's, a payment's).
public protocol RecordState: RawRepresentable, Sendable, Equatable where RawValue == String {
    /// What such a record is called in messages: "reservation", "payment".
    static var recordName: String { get }
}

/// A move a record's state machine refuses: no record has the id, or the record is in a
/// state the move cannot leave (committing a released reservation, capturing a voided
/// payment). Inventory's and payments' stores throw it; it is answered over gRPC by the one
/// table below, NOT_FOUND and FAILED_PRECONDITION, which is how checkout tells "never
/// there" from "moved on".
public enum RecordMoveError<State: RecordState>: Error, Sendable, Equatable {
    case unknown(String)
    case alreadyIn(String, State)
}

extension RecordMoveError: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        switch self {
        case .unknown: .notFound
        case .alreadyIn: .failedPrecondition
        }
    }

    public var rpcErrorMessage: String {
        switch self {
        case .unknown(let id): "No \(State.recordName) \(id)."
        case .alreadyIn(let id, let state): "The \(State.recordName) \(id) is already \(state.rawValue)."
        }
    }
}
