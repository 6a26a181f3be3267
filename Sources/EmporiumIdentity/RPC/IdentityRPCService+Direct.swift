import EmporiumCore
import EmporiumProto
import GRPCCore

extension IdentityRPCService: DirectRPCService {
    private typealias Methods = Emporium_Identity_V1_IdentityService.Method

    /// Every method, as embedded callers reach it without gRPC's transport.
    func registerDirect(with router: DirectRPCRouter) {
        router.register(Methods.Register.descriptor) { try await self.register(request: $0, context: $1) }
        router.register(Methods.Login.descriptor) { try await self.login(request: $0, context: $1) }
        router.register(Methods.Refresh.descriptor) { try await self.refresh(request: $0, context: $1) }
        router.register(Methods.Logout.descriptor) { try await self.logout(request: $0, context: $1) }
    }
}
