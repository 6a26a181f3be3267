import ServiceLifecycle

/// The direct router as a lifecycle service: at graceful shutdown it stops taking calls and
/// waits for the handlers still running, as the gRPC server it stands beside does.
struct DirectRPCRunner: Service {
    let router: DirectRPCRouter

    func run() async throws {
        try? await gracefulShutdown()
        await self.router.drain()
    }
}
