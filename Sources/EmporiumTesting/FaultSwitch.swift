public import GRPCCore
import Synchronization

/// Tests only: a server interceptor that makes chosen RPCs fail as if their service were
/// down (UNAVAILABLE, which callers retry) or stall before running (a slow service whose
/// answer arrives after the caller's deadline). Flip it during a test to take a service
/// "down" and bring it back.
public final class FaultSwitch: ServerInterceptor, Sendable {
    public enum Fault: Sendable {
        case unavailable
        case stall(Duration)
    }

    private let faults = Mutex<[String: Fault]>([:])

    public init() {}

    /// `target` is a service (`emporium.payments.v1.PaymentsService`) or one of its methods
    /// (`emporium.payments.v1.PaymentsService/Authorize`); nil clears it.
    public func set(_ target: String, _ fault: Fault?) {
        self.faults.withLock { $0[target] = fault }
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let service = context.descriptor.service.fullyQualifiedService
        let fault = self.faults.withLock { $0["\(service)/\(context.descriptor.method)"] ?? $0[service] }
        switch fault {
        case .none:
            break
        case .unavailable:
            throw RPCError(code: .unavailable, message: "\(service) is switched off by the test.")
        case .stall(let duration):
            try? await Task.sleep(for: duration)
        }
        return try await next(request, context)
    }
}
