import EmporiumCore
import EmporiumServices
import EmporiumTesting
import GRPCCore
import GRPCInProcessTransport
import Testing

/// Embedded, services call each other directly (`DirectRPCRouter`); a method a service
/// serves over gRPC but forgot to register directly would quietly fall back to the slow
/// path. Every service registers exactly the methods its gRPC service has.
@Suite struct DirectRPCCoverageTests {
    @Test func everyServiceRegistersEveryMethodDirectly() async throws {
        _ = try await TestPlatform.with(.sqlite, services: ServiceRegistry.all) { platform in
            let services = platform.units.flatMap(\.rpcServices)
            #expect(services.count == 6)
            for service in services {
                var grpc = RPCRouter<InProcessTransport.Server>()
                service.registerMethods(with: &grpc)
                let direct = DirectRPCRouter()
                let registrable = service as? any DirectRPCService
                #expect(registrable != nil, "\(type(of: service)) is not a DirectRPCService")
                registrable?.registerDirect(with: direct)
                #expect(direct.registered == Set(grpc.methods), "\(type(of: service))")
                #expect(!grpc.methods.isEmpty)
            }
        }
    }
}
