import EmporiumCore
import EmporiumProto
import GRPCCore

extension InventoryRPCService: DirectRPCService {
    private typealias Methods = Emporium_Inventory_V1_InventoryService.Method

    /// Every method, as embedded callers reach it without gRPC's transport.
    func registerDirect(with router: DirectRPCRouter) {
        router.register(Methods.Reserve.descriptor) { try await self.reserve(request: $0, context: $1) }
        router.register(Methods.Commit.descriptor) { try await self.commit(request: $0, context: $1) }
        router.register(Methods.Release.descriptor) { try await self.release(request: $0, context: $1) }
        router.register(Methods.ReturnStock.descriptor) { try await self.returnStock(request: $0, context: $1) }
        router.register(Methods.GetStock.descriptor) { try await self.getStock(request: $0, context: $1) }
    }
}
