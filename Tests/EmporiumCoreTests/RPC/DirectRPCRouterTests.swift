@testable import EmporiumCore
import EmporiumTesting
import GRPCCore
import Synchronization
import Testing

/// Embedded calls as function calls keep what gRPC gave callers: interceptors, deadlines,
/// errors as a client receives them, cancellation, the request id, a draining shutdown.
@Suite struct DirectRPCRouterTests {
    static let echo = MethodDescriptor(fullyQualifiedService: "test.Echo", method: "Echo")
    static let missing = MethodDescriptor(fullyQualifiedService: "test.Echo", method: "Missing")

    struct Unexpected: Error {}

    /// A router serving `echo` with `handler`, behind `interceptors`.
    static func router(
        interceptors: [any ServerInterceptor] = [],
        _ handler: @escaping @Sendable (String, ServerContext) async throws -> String
    ) -> DirectRPCRouter {
        let router = DirectRPCRouter()
        router.register(Self.echo, handler)
        router.serve([], interceptors: interceptors)
        return router
    }

    @Test func answersAndCarriesTheRequestId() async throws {
        let router = Self.router { input, context in
            "\(input) \(RequestMetadata.requestID ?? "none") \(context.descriptor.method)"
        }
        let answer: String = try await RequestMetadata.$requestID.withValue("req-7") {
            try await router.call(Self.echo, "hi", timeout: .seconds(5))
        }
        #expect(answer == "hi req-7 Echo")
        #expect(router.serves(Self.echo) && !router.serves(Self.missing))
    }

    @Test func errorsArriveAsAGRPCClientReceivesThem() async throws {
        let router = Self.router { input, _ in
            switch input {
            case "rpc": throw RPCError(code: .notFound, message: "No such thing.", metadata: ["k": "v"], cause: Unexpected())
            default: throw Unexpected()
            }
        }
        let refused = await #expect(throws: RPCError.self) { let _: String = try await router.call(Self.echo, "rpc", timeout: .seconds(5)) }
        #expect(refused?.code == .notFound && refused?.message == "No such thing.")
        #expect(refused?.metadata[stringValues: "k"].first(where: { _ in true }) == "v")
        #expect(refused?.cause == nil)
        let failed = await #expect(throws: RPCError.self) { let _: String = try await router.call(Self.echo, "other", timeout: .seconds(5)) }
        #expect(failed?.code == .unknown && failed?.cause == nil)
        // Neither an unknown method nor the wrong message types reach a handler.
        let unknown = await #expect(throws: RPCError.self) { let _: String = try await router.call(Self.missing, "x", timeout: .seconds(5)) }
        #expect(unknown?.code == .unimplemented)
        let mistyped = await #expect(throws: RPCError.self) { let _: Int = try await router.call(Self.echo, 1, timeout: .seconds(5)) }
        #expect(mistyped?.code == .unimplemented)
    }

    /// The caller is answered DEADLINE_EXCEEDED on time; the handler, as under gRPC, is not
    /// torn down but sees the RPC's cancellation handle fire and finishes on its own.
    @Test func theDeadlineAnswersTheCallerAndSignalsTheHandler() async throws {
        let sawCancellation = Atomic<Bool>(false)
        let router = Self.router { _, context in
            let until = ContinuousClock.now + .seconds(30)
            while !context.cancellation.isCancelled && ContinuousClock.now < until {
                try await Task.sleep(for: .milliseconds(10))
            }
            sawCancellation.store(context.cancellation.isCancelled, ordering: .relaxed)
            return "late"
        }
        let started = ContinuousClock.now
        let error = await #expect(throws: RPCError.self) { let _: String = try await router.call(Self.echo, "x", timeout: .milliseconds(100)) }
        #expect(error?.code == .deadlineExceeded)
        #expect(ContinuousClock.now - started < .seconds(10))
        await router.drain()
        let saw = sawCancellation.load(ordering: .relaxed)
        #expect(saw)
    }

    @Test func aCancelledCallerIsAnsweredCancelled() async throws {
        let entered = AsyncStream<Void>.makeStream()
        let router = Self.router { _, context in
            entered.continuation.yield()
            while !context.cancellation.isCancelled { try await Task.sleep(for: .milliseconds(10)) }
            return "late"
        }
        let call = Task { () async throws -> String in try await router.call(Self.echo, "x", timeout: .seconds(30)) }
        for await _ in entered.stream { break }
        call.cancel()
        let error = await #expect(throws: RPCError.self) { _ = try await call.value }
        #expect(error?.code == .cancelled)
        await router.drain()
    }

    @Test func serverInterceptorsRun() async throws {
        let faults = FaultSwitch()
        let calls = Atomic<Int>(0)
        let router = Self.router(interceptors: [faults]) { input, _ in
            calls.add(1, ordering: .relaxed)
            return input
        }
        faults.set("test.Echo", .unavailable)
        let error = await #expect(throws: RPCError.self) { let _: String = try await router.call(Self.echo, "x", timeout: .seconds(5)) }
        #expect(error?.code == .unavailable)
        let before = calls.load(ordering: .relaxed)
        #expect(before == 0)
        faults.set("test.Echo", nil)
        let answer: String = try await router.call(Self.echo, "x", timeout: .seconds(5))
        let after = calls.load(ordering: .relaxed)
        #expect(answer == "x" && after == 1)
    }

    /// Shutdown waits for the handlers still running and refuses calls after it.
    @Test func drainingWaitsForHandlersAndRefusesNewCalls() async throws {
        let finished = Atomic<Bool>(false)
        let router = Self.router { input, _ in
            try await Task.sleep(for: .milliseconds(300))
            finished.store(true, ordering: .relaxed)
            return input
        }
        let call = Task { () async throws -> String in try await router.call(Self.echo, "x", timeout: .seconds(30)) }
        while !router.isBusy { try await Task.sleep(for: .milliseconds(5)) }
        await router.drain()
        let done = finished.load(ordering: .relaxed)
        #expect(done)
        #expect(try await call.value == "x")
        let refused = await #expect(throws: RPCError.self) { let _: String = try await router.call(Self.echo, "x", timeout: .seconds(5)) }
        #expect(refused?.code == .unavailable)
    }
}
