import EmporiumCore
import GRPCCore
import GRPCProtobuf
import SwiftProtobuf

/// One unary gRPC method as the generated code describes it (`FooService.Method.Bar`: its
/// descriptor and message types). Every generated method conforms as it is, so a client
/// names the method once and the descriptor, request and response types follow from it.
protocol UnaryMethod {
    associatedtype Input: SwiftProtobuf.Message
    associatedtype Output: SwiftProtobuf.Message
    static var descriptor: MethodDescriptor { get }
}

/// A unary call of any method, on whichever `GRPCClient` the connection holds (the
/// in-process and HTTP/2 ones are different generic types).
protocol UnaryCalling: Sendable {
    func unaryCall<Method: UnaryMethod>(_ method: Method.Type, _ message: Method.Input, options: CallOptions) async throws -> Method.Output
}

extension GRPCClient: UnaryCalling {
    /// What the generated `Client` does for one method: protobuf in and out.
    func unaryCall<Method: UnaryMethod>(_ method: Method.Type, _ message: Method.Input, options: CallOptions) async throws -> Method.Output {
        try await self.unary(
            request: ClientRequest(message: message),
            descriptor: Method.descriptor,
            serializer: ProtobufSerializer<Method.Input>(),
            deserializer: ProtobufDeserializer<Method.Output>(),
            options: options
        ) { response in
            try response.message
        }
    }
}

/// Embedded calls as function calls (see `DirectRPCRouter`), with the deadline the options
/// carry (`RPCConnection.call` always sets one in process; the policy's otherwise); a
/// method no service registered directly goes through in-process gRPC as before.
struct DirectCaller: UnaryCalling {
    let router: DirectRPCRouter
    let defaultTimeout: Duration
    let grpc: any UnaryCalling

    func unaryCall<Method: UnaryMethod>(_ method: Method.Type, _ message: Method.Input, options: CallOptions) async throws -> Method.Output {
        guard self.router.serves(Method.descriptor) else {
            return try await self.grpc.unaryCall(method, message, options: options)
        }
        return try await self.router.call(Method.descriptor, message, timeout: options.timeout ?? self.defaultTimeout)
    }
}

/// A peer's connection, called by method: each call goes through `RPCConnection.call`
/// (circuit breaker, `grpc_client_*` metrics labelled by the method's descriptor).
struct PeerChannel: Sendable {
    let connection: RPCConnection
    let caller: any UnaryCalling

    init(_ connection: RPCConnection) {
        self.connection = connection
        let client = connection.makeClient(
            inProcess: { $0 as any UnaryCalling },
            http2: { $0 as any UnaryCalling }
        )
        if let router = connection.direct {
            self.caller = DirectCaller(router: router, defaultTimeout: connection.defaultTimeout, grpc: client)
        } else {
            self.caller = client
        }
    }

    func call<Method: UnaryMethod>(_ method: Method.Type, _ message: Method.Input) async throws -> Method.Output {
        try await self.connection.call(Method.descriptor) { options in try await self.caller.unaryCall(method, message, options: options) }
    }
}

/// An answer a peer should never give (an enum value this build does not know): a
/// failed call, as callers already handle, rather than a guess.
func unexpectedAnswer(_ service: String, _ what: String) -> RPCError {
    RPCError(code: .internalError, message: "\(service) answered an unknown \(what).")
}
