public import GRPCCore
public import Logging

/// Logs every call whose handler failed with something it did not mean to answer — an error
/// that is neither an `RPCError` nor convertible to one (a database error, a bug), which gRPC
/// sends as UNKNOWN and the caller turns into a 500 — with the error itself, which never
/// leaves the process. Without it such a failure left no trace anywhere.
public struct UnexpectedErrorInterceptor: ServerInterceptor {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let logger = self.logger
        let method = context.descriptor
        let response: StreamingServerResponse<Output>
        do {
            response = try await next(request, context)
        } catch {
            Self.logIfUnexpected(error, method: method, logger: logger)
            throw error
        }
        guard case .success(var contents) = response.accepted else { return response }
        let producer = contents.producer
        contents.producer = { writer in
            do {
                return try await producer(writer)
            } catch {
                Self.logIfUnexpected(error, method: method, logger: logger)
                throw error
            }
        }
        return StreamingServerResponse(accepted: .success(contents))
    }

    static func logIfUnexpected(_ error: any Error, method: MethodDescriptor, logger: Logger) {
        guard !(error is RPCError), !(error is any RPCErrorConvertible), !(error is CancellationError) else { return }
        var metadata: Logger.Metadata = ["rpc.method": "\(method)", "error": "\(String(reflecting: error))"]
        if let id = RequestMetadata.requestID { metadata["request.id"] = "\(id)" }
        logger.error("RPC handler failed unexpectedly", metadata: metadata)
    }
}
