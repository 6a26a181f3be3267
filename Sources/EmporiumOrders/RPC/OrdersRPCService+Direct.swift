import EmporiumCore
import EmporiumProto
import GRPCCore

extension OrdersRPCService: DirectRPCService {
    private typealias Methods = Emporium_Orders_V1_OrdersService.Method

    /// Every method, as embedded callers reach it without gRPC's transport.
    func registerDirect(with router: DirectRPCRouter) {
        router.register(Methods.Checkout.descriptor) { try await self.checkout(request: $0, context: $1) }
        router.register(Methods.ListOrders.descriptor) { try await self.listOrders(request: $0, context: $1) }
        router.register(Methods.GetOrder.descriptor) { try await self.getOrder(request: $0, context: $1) }
        router.register(Methods.CancelOrder.descriptor) { try await self.cancelOrder(request: $0, context: $1) }
    }
}
