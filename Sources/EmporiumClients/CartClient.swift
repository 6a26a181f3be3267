public import EmporiumCore
import EmporiumProto

/// Cart's internal API over gRPC, for checkout.
public struct CartClient: CartPeer {
    typealias Service = Emporium_Cart_V1_CartService

    let channel: PeerChannel

    public init(_ connection: RPCConnection) {
        self.channel = PeerChannel(connection)
        connection.register(Service.descriptor)
    }

    public func cart(userId: String) async throws -> PricedCart {
        var request = Emporium_Cart_V1_GetCartRequest()
        request.userID = userId
        return Self.cart(try await self.channel.call(Service.Method.GetCart.self, request))
    }

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
        _ = try await self.channel.call(Service.Method.ClearCart.self, request)
    }

    public func clear(userId: String) async throws {
        var request = Emporium_Cart_V1_ClearCartRequest()
        request.userID = userId
        _ = try await self.channel.call(Service.Method.ClearCart.self, request)
    }

    /// An empty currency (an empty cart from an older cart service) reads as the default.
    static func cart(_ message: Emporium_Cart_V1_Cart) -> PricedCart {
        PricedCart(
            userId: message.userID,
            lines: message.lines.map { line in
                PricedCart.Line(
                    sku: line.sku, productId: line.productID, name: line.name,
                    unitPriceAmount: Int(line.unitPriceAmount), quantity: Int(line.quantity), lineTotalAmount: Int(line.lineTotalAmount)
                )
            },
            currency: message.currency.isEmpty ? Money.defaultCurrency : message.currency,
            unavailableSkus: message.unavailableSkus
        )
    }
}

extension Emporium_Cart_V1_CartService.Method.GetCart: UnaryMethod {}
extension Emporium_Cart_V1_CartService.Method.ClearCart: UnaryMethod {}
