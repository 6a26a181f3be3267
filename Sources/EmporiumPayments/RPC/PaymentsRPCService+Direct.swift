import EmporiumCore
import EmporiumProto
import GRPCCore

extension PaymentsRPCService: DirectRPCService {
    private typealias Methods = Emporium_Payments_V1_PaymentsService.Method

    /// Every method, as embedded callers reach it without gRPC's transport.
    func registerDirect(with router: DirectRPCRouter) {
        router.register(Methods.Authorize.descriptor) { try await self.authorize(request: $0, context: $1) }
        router.register(Methods.Capture.descriptor) { try await self.capture(request: $0, context: $1) }
        router.register(Methods.Void.descriptor) { try await self.void(request: $0, context: $1) }
        router.register(Methods.Refund.descriptor) { try await self.refund(request: $0, context: $1) }
        router.register(Methods.GetPayment.descriptor) { try await self.getPayment(request: $0, context: $1) }
    }
}
