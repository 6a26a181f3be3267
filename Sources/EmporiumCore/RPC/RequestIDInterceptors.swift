public import GRPCCore

/// The HTTP request's id travels with every internal call it causes (`x-request-id`
/// metadata), so one id ties together the log lines of every service a request touched.
public struct RequestIDClientInterceptor: ClientInterceptor {
    public init() {}

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>,
        context: ClientContext,
        next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        var request = request
        if let id = RequestMetadata.requestID {
            request.metadata.replaceOrAddString(id, forKey: RequestMetadata.rpcKey)
        }
        return try await next(request, context)
    }
}

/// Puts the caller's request id (if it is a well-formed one) into the handler's task-local
/// log metadata.
public struct RequestIDServerInterceptor: ServerInterceptor {
    public init() {}

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        guard let id = request.metadata[stringValues: RequestMetadata.rpcKey].first(where: { _ in true }),
            RequestIDMiddleware.isAcceptable(id)
        else {
            return try await next(request, context)
        }
        let response = try await RequestMetadata.$requestID.withValue(id) {
            try await next(request, context)
        }
        // Streaming handlers run their producer after this returns: keep the id for it too.
        guard case .success(var contents) = response.accepted else { return response }
        let producer = contents.producer
        contents.producer = { writer in
            try await RequestMetadata.$requestID.withValue(id) { try await producer(writer) }
        }
        return StreamingServerResponse(accepted: .success(contents))
    }
}

extension RequestMetadata {
    /// The gRPC metadata key that carries the request id.
    public static let rpcKey = "x-request-id"
}
