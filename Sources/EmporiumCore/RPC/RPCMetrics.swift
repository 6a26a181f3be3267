import Dispatch
public import GRPCCore
public import Metrics
import NIOConcurrencyHelpers

/// Per-method RED metrics for internal calls, named as go-grpc-prometheus names them so
/// stock dashboards work: `grpc_{client,server}_handled_total{grpc_service, grpc_method,
/// grpc_code}` and `grpc_{client,server}_handling_seconds{grpc_service, grpc_method}`.
final class RPCMetrics: Sendable {
    enum Side: String { case client, server }
    // Client calls are measured by `RPCConnection.call` rather than an interceptor:
    // grpc-swift runs client interceptors only once a stream is open, so a refused
    // connection would never be counted.

    private struct Key: Hashable {
        let service: String
        let method: String
        let code: Status.Code
    }

    private let side: Side
    private let factory: any MetricsFactory
    private let counters = NIOLockedValueBox<[Key: Counter]>([:])
    private let rejections = NIOLockedValueBox<[String: Counter]>([:])
    private let timers = NIOLockedValueBox<[MethodDescriptor: Metrics.Timer]>([:])

    init(side: Side, factory: any MetricsFactory) {
        self.side = side
        self.factory = factory
    }

    func record(_ method: MethodDescriptor, code: Status.Code, startedAt start: UInt64) {
        let key = Key(service: method.service.fullyQualifiedService, method: method.method, code: code)
        let counter = self.counters.withLockedValue { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(
                label: "grpc_\(self.side.rawValue)_handled_total",
                dimensions: [("grpc_service", key.service), ("grpc_method", key.method), ("grpc_code", Self.name(code))],
                factory: self.factory
            )
            counters[key] = counter
            return counter
        }
        let timer = self.timers.withLockedValue { timers in
            if let timer = timers[method] { return timer }
            let timer = Metrics.Timer(
                label: "grpc_\(self.side.rawValue)_handling_seconds",
                dimensions: [("grpc_service", key.service), ("grpc_method", key.method)],
                factory: self.factory
            )
            timers[method] = timer
            return timer
        }
        counter.increment()
        timer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
    }

    /// `grpc_client_circuit_rejections_total{grpc_service}`: calls an open circuit refused
    /// without trying the peer.
    func recordRejection(service: String) {
        self.rejectionCounter(service).increment()
    }

    /// The rejections counter of `service`, made (at zero) on first use.
    func rejectionCounter(_ service: String) -> Counter {
        self.rejections.withLockedValue { counters in
            if let counter = counters[service] { return counter }
            let counter = Counter(label: "grpc_client_circuit_rejections_total", dimensions: [("grpc_service", service)], factory: self.factory)
            counters[service] = counter
            return counter
        }
    }

    /// The status a call ends with: a handler's typed error (`RPCErrorConvertible`) counts as
    /// the code grpc-swift answers it with, as the caller sees it.
    static func code(of error: any Error) -> Status.Code {
        if let error = error as? RPCError { return Status.Code(error.code) }
        if let convertible = error as? any RPCErrorConvertible { return Status.Code(RPCError(convertible).code) }
        return error is CancellationError ? .cancelled : .unknown
    }

    /// `OK`, `UNAVAILABLE`, … as the gRPC spec spells them.
    static func name(_ code: Status.Code) -> String {
        if code == .internalError { return "INTERNAL" }
        var name = ""
        for character in String(describing: code) {
            if character.isUppercase { name += "_" }
            name += character.uppercased()
        }
        return name
    }
}

/// Counts and times every handled call by method and final status.
public struct ServerMetricsInterceptor: ServerInterceptor {
    let metrics: RPCMetrics

    public init(factory: any MetricsFactory) {
        self.metrics = RPCMetrics(side: .server, factory: factory)
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let start = DispatchTime.now().uptimeNanoseconds
        let metrics = self.metrics
        let method = context.descriptor
        let response: StreamingServerResponse<Output>
        do {
            response = try await next(request, context)
        } catch {
            metrics.record(method, code: RPCMetrics.code(of: error), startedAt: start)
            throw error
        }
        switch response.accepted {
        case .failure(let error):
            metrics.record(method, code: Status.Code(error.code), startedAt: start)
            return response
        case .success(var contents):
            let producer = contents.producer
            contents.producer = { writer in
                do {
                    let trailers = try await producer(writer)
                    metrics.record(method, code: .ok, startedAt: start)
                    return trailers
                } catch {
                    metrics.record(method, code: RPCMetrics.code(of: error), startedAt: start)
                    throw error
                }
            }
            return StreamingServerResponse(accepted: .success(contents))
        }
    }
}
