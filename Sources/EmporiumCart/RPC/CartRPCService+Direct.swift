import EmporiumCore
import EmporiumProto
import GRPCCore

extension CartRPCService: DirectRPCService {
    private typealias Methods = Emporium_Cart_V1_CartService.Method

    /// Every method, as embedded callers reach it without gRPC's transport.
    func registerDirect(with router: DirectRPCRouter) {
        router.register(Methods.GetCart.descriptor) { try await self.getCart(request: $0, context: $1) }
        router.register(Methods.ClearCart.descriptor) { try await self.clearCart(request: $0, context: $1) }
        router.register(Methods.AddItem.descriptor) { try await self.addItem(request: $0, context: $1) }
        router.register(Methods.SetQuantity.descriptor) { try await self.setQuantity(request: $0, context: $1) }
        router.register(Methods.RemoveItem.descriptor) { try await self.removeItem(request: $0, context: $1) }
    }
}
