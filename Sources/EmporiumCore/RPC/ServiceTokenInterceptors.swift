public import GRPCCore

extension ServiceCredentials {
    /// The metadata key service tokens travel in.
    static let metadataKey = "authorization"
}

/// Signs every outgoing call with a fresh service token.
struct ServiceTokenClientInterceptor: ClientInterceptor {
    let credentials: ServiceCredentials

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>,
        context: ClientContext,
        next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        var request = request
        request.metadata.replaceOrAddString("Bearer " + self.credentials.token(), forKey: ServiceCredentials.metadataKey)
        return try await next(request, context)
    }
}

/// Refuses, with UNAUTHENTICATED and before any handler runs, every call that does not carry
/// a valid service token: capture, void and refund included, nothing is reachable without it.
struct ServiceTokenServerInterceptor: ServerInterceptor {
    let credentials: ServiceCredentials

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let presented = request.metadata[stringValues: ServiceCredentials.metadataKey].first { _ in true }
        guard let presented, presented.hasPrefix("Bearer "), self.credentials.accepts(String(presented.dropFirst(7))) else {
            throw RPCError(code: .unauthenticated, message: "This internal API needs a valid service token.")
        }
        return try await next(request, context)
    }
}
