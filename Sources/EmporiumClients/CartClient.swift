public import EmporiumCore
public import EmporiumProto
import GRPCCore

/// Cart's internal API, for checkout: the priced cart, and clearing it once ordered.
public struct CartClient: Sendable {
    let connection: RPCConnection
    let client: any Emporium_Cart_V1_CartService.ClientProtocol

    public init(_ connection: RPCConnection) {
        self.connection = connection
        self.client = connection.makeClient(
            inProcess: { Emporium_Cart_V1_CartService.Client(wrapping: $0) },
            http2: { Emporium_Cart_V1_CartService.Client(wrapping: $0) }
        )
    }

    public func cart(userId: String) async throws -> Emporium_Cart_V1_Cart {
        var request = Emporium_Cart_V1_GetCartRequest()
        request.userID = userId
        return try await self.connection.call(Emporium_Cart_V1_CartService.Method.GetCart.descriptor) { try await self.client.getCart(request) }
    }

    /// Takes what order `orderId` bought out of the user's cart; idempotent by order, so
    /// redelivering it never removes units added since.
    public func removeOrdered(userId: String, orderId: String, lines: [(sku: String, quantity: Int)]) async throws {
        var request = Emporium_Cart_V1_ClearCartRequest()
        request.userID = userId
        request.orderID = orderId
        request.lines = lines.map { line in
            var ordered = Emporium_Cart_V1_OrderedLine()
            ordered.sku = line.sku
            ordered.quantity = Int32(clamping: line.quantity)
            return ordered
        }
        _ = try await self.connection.call(Emporium_Cart_V1_CartService.Method.ClearCart.descriptor) { try await self.client.clearCart(request) }
    }

    public func clear(userId: String) async throws {
        var request = Emporium_Cart_V1_ClearCartRequest()
        request.userID = userId
        _ = try await self.connection.call(Emporium_Cart_V1_CartService.Method.ClearCart.descriptor) { try await self.client.clearCart(request) }
    }
}
