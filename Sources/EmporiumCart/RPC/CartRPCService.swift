import EmporiumCore
import EmporiumProto
import GRPCCore

/// Cart's internal API, for checkout: the priced cart and clearing it after an order.
struct CartRPCService: Emporium_Cart_V1_CartService.SimpleServiceProtocol {
    let cart: Carts

    func getCart(request: Emporium_Cart_V1_GetCartRequest, context: ServerContext) async throws -> Emporium_Cart_V1_Cart {
        try Self.checkUser(request.userID)
        let (view, unavailable) = try await self.cart.checkoutView(userId: request.userID)
        var message = Emporium_Cart_V1_Cart()
        message.userID = request.userID
        message.lines = view.items.map { item in
            var line = Emporium_Cart_V1_CartLine()
            line.sku = item.sku
            line.productID = item.productId
            line.name = item.name
            line.unitPriceAmount = Int64(item.unitPrice.amount)
            line.quantity = Int32(item.quantity)
            line.lineTotalAmount = Int64(item.lineTotal.amount)
            return line
        }
        message.itemCount = Int32(view.itemCount)
        message.subtotalAmount = Int64(view.subtotal.amount)
        message.currency = view.subtotal.currency
        message.unavailableSkus = unavailable
        return message
    }

    func clearCart(request: Emporium_Cart_V1_ClearCartRequest, context: ServerContext) async throws -> Emporium_Cart_V1_ClearCartResponse {
        try Self.checkUser(request.userID)
        if request.orderID.isEmpty {
            try await self.cart.clear(userId: request.userID)
        } else {
            guard request.orderID.utf8.count <= 128, request.lines.count <= 500,
                request.lines.allSatisfy({ SKU.isValid($0.sku) && $0.quantity > 0 })
            else {
                throw RPCError(code: .invalidArgument, message: "order_id must be 1 to 128 bytes, with at most 500 lines of valid SKUs and positive quantities.")
            }
            try await self.cart.removeOrdered(
                userId: request.userID, orderId: request.orderID, lines: request.lines.map { CartLine(sku: $0.sku, quantity: Int($0.quantity)) }
            )
        }
        return Emporium_Cart_V1_ClearCartResponse()
    }

    static func checkUser(_ userId: String) throws {
        guard !userId.isEmpty, userId.utf8.count <= 128 else {
            throw RPCError(code: .invalidArgument, message: "user_id must be 1 to 128 bytes.")
        }
    }
}
