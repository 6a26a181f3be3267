import EmporiumCore
import EmporiumProto
import Foundation
import GRPCCore
import Logging

/// Orders' internal API, for the storefront: checkout and a shopper's orders, for a user
/// whose token the storefront verified. The rules are the public API's (`ShopperOrders`,
/// `CheckoutInput`); errors answer through `OrdersError`'s one gRPC table.
struct OrdersRPCService: Emporium_Orders_V1_OrdersService.SimpleServiceProtocol {
    let orders: ShopperOrders
    let logger: Logger

    /// Paid, declined and out of stock are answers; the card number is passed to the saga
    /// (and on to payments) and never logged or stored — the order keeps brand and last4.
    func checkout(request: Emporium_Orders_V1_CheckoutRequest, context: ServerContext) async throws -> Emporium_Orders_V1_CheckoutResult {
        try Self.checkUser(request.userID)
        guard CheckoutInput.isValidKey(request.idempotencyKey) else {
            throw RPCError(code: .invalidArgument, message: "idempotency_key must be 1 to \(IdempotencyMiddleware.maxKeyLength) visible ASCII characters.")
        }
        let given = request.shippingAddress
        let card = request.card
        let (address, valid) = try CheckoutInput.validated(
            address: ShippingAddress(
                name: given.name, line1: given.line1, line2: given.line2.isEmpty ? nil : given.line2, city: given.city,
                postalCode: given.postalCode, country: given.country
            ),
            number: card.number, expMonth: Int(card.expMonth), expYear: Int(card.expYear), cvc: card.cvc,
            addressPrefix: "shipping_address.", cardPrefix: "card."
        )
        var result = Emporium_Orders_V1_CheckoutResult()
        do {
            let order = try await self.orders.checkout(
                userId: request.userID, idempotencyKey: request.idempotencyKey, address: address, card: valid, logger: self.logger
            )
            result.paid = Self.message(order)
        } catch OrdersError.declined(let orderId, let code) {
            var declined = Emporium_Orders_V1_Declined()
            declined.orderID = orderId
            declined.code = code
            result.declined = declined
        } catch OrdersError.outOfStock(let skus) {
            var outOfStock = Emporium_Orders_V1_OutOfStock()
            outOfStock.skus = skus
            result.outOfStock = outOfStock
        }
        return result
    }

    func listOrders(request: Emporium_Orders_V1_ListOrdersRequest, context: ServerContext) async throws -> Emporium_Orders_V1_ListOrdersResponse {
        try Self.checkUser(request.userID)
        let limit = request.limit == 0 ? 20 : Int(request.limit)
        guard (1...100).contains(limit) else {
            throw RPCError(code: .invalidArgument, message: "limit must be 1 to 100.")
        }
        let page = try await self.orders.page(userId: request.userID, limit: limit, cursor: request.cursor.isEmpty ? nil : request.cursor)
        var response = Emporium_Orders_V1_ListOrdersResponse()
        response.orders = page.orders.map(Self.message)
        response.nextCursor = page.nextCursor ?? ""
        return response
    }

    func getOrder(request: Emporium_Orders_V1_OrderRequest, context: ServerContext) async throws -> Emporium_Orders_V1_Order {
        try Self.checkUser(request.userID)
        return Self.message(try await self.orders.visibleOrder(id: request.orderID, userId: request.userID, isAdmin: false))
    }

    func cancelOrder(request: Emporium_Orders_V1_OrderRequest, context: ServerContext) async throws -> Emporium_Orders_V1_Order {
        try Self.checkUser(request.userID)
        let order = try await self.orders.visibleOrder(id: request.orderID, userId: request.userID, isAdmin: false)
        return Self.message(try await self.orders.cancel(order, logger: self.logger))
    }

    static func checkUser(_ userId: String) throws {
        guard !userId.isEmpty, userId.utf8.count <= 128 else {
            throw RPCError(code: .invalidArgument, message: "user_id must be 1 to 128 bytes.")
        }
    }

    static func message(_ order: Order) -> Emporium_Orders_V1_Order {
        var message = Emporium_Orders_V1_Order()
        message.id = order.id
        message.status = order.status.rawValue
        message.lines = order.items.map { item in
            var line = Emporium_Orders_V1_OrderLine()
            line.sku = item.sku
            line.productID = item.productId
            line.name = item.name
            line.unitPriceAmount = Int64(item.unitPrice.amount)
            line.quantity = Int32(clamping: item.quantity)
            line.lineTotalAmount = Int64(item.lineTotal.amount)
            return line
        }
        message.subtotalAmount = Int64(order.subtotal.amount)
        message.shippingAmount = Int64(order.shipping.amount)
        message.taxAmount = Int64(order.tax.amount)
        message.totalAmount = Int64(order.total.amount)
        message.currency = order.total.currency
        var address = Emporium_Orders_V1_ShippingAddress()
        address.name = order.shippingAddress.name
        address.line1 = order.shippingAddress.line1
        address.line2 = order.shippingAddress.line2 ?? ""
        address.city = order.shippingAddress.city
        address.postalCode = order.shippingAddress.postalCode
        address.country = order.shippingAddress.country
        message.shippingAddress = address
        var payment = Emporium_Orders_V1_Payment()
        payment.status = order.paymentStatus ?? ""
        payment.brand = order.cardBrand
        payment.last4 = order.cardLast4
        payment.amount = Int64(order.total.amount)
        message.payment = payment
        message.createdAtMicros = Self.micros(order.createdAt)
        message.updatedAtMicros = Self.micros(order.updatedAt)
        message.failureCode = order.failureCode ?? ""
        return message
    }

    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}
