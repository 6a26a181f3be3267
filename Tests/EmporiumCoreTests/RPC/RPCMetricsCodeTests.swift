@testable import EmporiumCore
import GRPCCore
import Testing

/// `grpc_server_*{code}` counts a handler's typed refusal as the status its caller gets,
/// not as UNKNOWN.
@Suite struct RPCMetricsCodeTests {
    enum DoorState: String, RecordState {
        case open, shut
        static let recordName = "door"
    }

    @Test func typedErrorsCountAsTheStatusTheyAnswerWith() {
        #expect(RPCMetrics.code(of: RecordMoveError<DoorState>.unknown("d1")) == .notFound)
        #expect(RPCMetrics.code(of: RecordMoveError<DoorState>.alreadyIn("d1", .shut)) == .failedPrecondition)
        #expect(RPCMetrics.code(of: Problem.notFound("gone")) == .notFound)
        #expect(RPCMetrics.code(of: RPCError(code: .unavailable, message: "down")) == .unavailable)
        #expect(RPCMetrics.code(of: CancellationError()) == .cancelled)
        struct Opaque: Error {}
        #expect(RPCMetrics.code(of: Opaque()) == .unknown)
    }
}
