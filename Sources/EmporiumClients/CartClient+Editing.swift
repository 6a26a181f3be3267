import EmporiumProto

extension CartClient: CartEditing {
    public func add(userId: String, sku: String, quantity: Int) async throws -> PricedCart {
        Self.cart(try await self.channel.call(Service.Method.AddItem.self, Self.change(userId, sku, quantity)))
    }

    public func setQuantity(userId: String, sku: String, quantity: Int) async throws -> PricedCart {
        Self.cart(try await self.channel.call(Service.Method.SetQuantity.self, Self.change(userId, sku, quantity)))
    }

    public func remove(userId: String, sku: String) async throws -> PricedCart {
        Self.cart(try await self.channel.call(Service.Method.RemoveItem.self, Self.change(userId, sku, 0)))
    }

    static func change(_ userId: String, _ sku: String, _ quantity: Int) -> Emporium_Cart_V1_ChangeItemRequest {
        var request = Emporium_Cart_V1_ChangeItemRequest()
        request.userID = userId
        request.sku = sku
        request.quantity = Int32(clamping: quantity)
        return request
    }
}

extension Emporium_Cart_V1_CartService.Method.AddItem: UnaryMethod {}
extension Emporium_Cart_V1_CartService.Method.SetQuantity: UnaryMethod {}
extension Emporium_Cart_V1_CartService.Method.RemoveItem: UnaryMethod {}
