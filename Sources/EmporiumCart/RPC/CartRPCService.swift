import EmporiumCore
import EmporiumProto
import GRPCCore

/// Cart's internal API: for checkout, the priced cart and clearing it after an order; for
/// the storefront, a signed-in shopper's changes (the same rules as the public cart API).
struct CartRPCService: Emporium_Cart_V1_CartService.SimpleServiceProtocol {
    let cart: Carts

    func getCart(request: Emporium_Cart_V1_GetCartRequest, context: ServerContext) async throws -> Emporium_Cart_V1_Cart {
        try Self.checkUser(request.userID)
        let (view, unavailable) = try await self.cart.checkoutView(userId: request.userID)
        return Self.message(view, userId: request.userID, unavailable: unavailable)
    }

    func addItem(request: Emporium_Cart_V1_ChangeItemRequest, context: ServerContext) async throws -> Emporium_Cart_V1_Cart {
        try Self.checkChange(request, quantities: 1...CartRules.maxLineQuantity)
        let view = try await self.cart.add(userId: request.userID, sku: request.sku, quantity: Int(request.quantity))
        return Self.message(view, userId: request.userID)
    }

    func setQuantity(request: Emporium_Cart_V1_ChangeItemRequest, context: ServerContext) async throws -> Emporium_Cart_V1_Cart {
        try Self.checkChange(request, quantities: 0...CartRules.maxLineQuantity)
        let view = try await self.cart.setQuantity(userId: request.userID, sku: request.sku, quantity: Int(request.quantity))
        return Self.message(view, userId: request.userID)
    }

    func removeItem(request: Emporium_Cart_V1_ChangeItemRequest, context: ServerContext) async throws -> Emporium_Cart_V1_Cart {
        try Self.checkChange(request, quantities: nil)
        let view = try await self.cart.remove(userId: request.userID, sku: request.sku)
        return Self.message(view, userId: request.userID)
    }

    /// The user, a well-formed SKU and (when it matters) a quantity in `quantities`.
    static func checkChange(_ request: Emporium_Cart_V1_ChangeItemRequest, quantities: ClosedRange<Int>?) throws {
        try Self.checkUser(request.userID)
        guard SKU.isValid(request.sku) else {
            throw RPCError(code: .invalidArgument, message: "SKU \(request.sku.debugDescription) \(SKU.rule).")
        }
        if let quantities, !quantities.contains(Int(request.quantity)) {
            throw RPCError(code: .invalidArgument, message: "quantity must be \(quantities.lowerBound) to \(quantities.upperBound).")
        }
    }

    static func message(_ view: CartView, userId: String, unavailable: [String] = []) -> Emporium_Cart_V1_Cart {
        var message = Emporium_Cart_V1_Cart()
        message.userID = userId
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
