public import EmporiumCore
import EmporiumProto
import Foundation
import GRPCCore

/// Orders' internal API over gRPC, for the storefront. gRPC statuses become
/// `OrdersRefusal`s here, so callers never read them.
public struct OrdersClient: OrdersPeer {
    typealias Service = Emporium_Orders_V1_OrdersService

    let channel: PeerChannel

    public init(_ connection: RPCConnection) {
        self.channel = PeerChannel(connection)
        connection.register(Service.descriptor)
    }

    public func checkout(userId: String, idempotencyKey: String, address: ShippingDetails, card: CardDetails) async throws -> CheckoutOutcome {
        var request = Emporium_Orders_V1_CheckoutRequest()
        request.userID = userId
        request.idempotencyKey = idempotencyKey
        var shipping = Emporium_Orders_V1_ShippingAddress()
        shipping.name = address.name
        shipping.line1 = address.line1
        shipping.line2 = address.line2 ?? ""
        shipping.city = address.city
        shipping.postalCode = address.postalCode
        shipping.country = address.country
        request.shippingAddress = shipping
        var message = Emporium_Orders_V1_Card()
        message.number = card.number
        message.expMonth = Int32(clamping: card.expMonth)
        message.expYear = Int32(clamping: card.expYear)
        message.cvc = card.cvc
        request.card = message
        let result = try await self.refusing { try await self.channel.call(Service.Method.Checkout.self, request) }
        switch result.outcome {
        case .paid(let order): return .paid(Self.order(order))
        case .declined(let declined): return .declined(orderId: declined.orderID, code: declined.code)
        case .outOfStock(let outOfStock): return .outOfStock(skus: outOfStock.skus)
        case nil: throw OrdersRefusal.unavailable("The orders service answered an unknown checkout outcome.")
        }
    }

    public func orders(userId: String, limit: Int = 20, cursor: String? = nil) async throws -> ShopperOrderPage {
        var request = Emporium_Orders_V1_ListOrdersRequest()
        request.userID = userId
        request.limit = Int32(clamping: limit)
        request.cursor = cursor ?? ""
        let response = try await self.refusing { try await self.channel.call(Service.Method.ListOrders.self, request) }
        return ShopperOrderPage(orders: response.orders.map(Self.order), nextCursor: response.nextCursor.isEmpty ? nil : response.nextCursor)
    }

    public func order(userId: String, id: String) async throws -> ShopperOrder {
        Self.order(try await self.refusing { try await self.channel.call(Service.Method.GetOrder.self, Self.request(userId, id)) })
    }

    public func cancel(userId: String, id: String) async throws -> ShopperOrder {
        Self.order(try await self.refusing { try await self.channel.call(Service.Method.CancelOrder.self, Self.request(userId, id)) })
    }

    static func request(_ userId: String, _ orderId: String) -> Emporium_Orders_V1_OrderRequest {
        var request = Emporium_Orders_V1_OrderRequest()
        request.userID = userId
        request.orderID = orderId
        return request
    }

    /// Runs a call, answering its gRPC failure as the refusal it means.
    func refusing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as RPCError {
            throw Self.refusal(error)
        }
    }

    /// The one table from orders' statuses to refusals (orders' own table is
    /// `OrdersError+RPC.swift`).
    static func refusal(_ error: RPCError) -> OrdersRefusal {
        switch error.code {
        case .invalidArgument:
            if error.metadata[stringValues: OrdersRefusal.metadataKey].contains(OrdersRefusal.emptyCartValue) {
                return .emptyCart
            }
            return .invalid(error.message)
        case .aborted: return .inFlight
        case .notFound: return .notFound
        case .failedPrecondition: return .notCancellable(error.message)
        // Unavailable, timed out, or anything a caller cannot act on but by trying later.
        default: return .unavailable(error.message)
        }
    }

    static func order(_ message: Emporium_Orders_V1_Order) -> ShopperOrder {
        let address = message.shippingAddress
        let payment = message.payment
        return ShopperOrder(
            id: message.id,
            status: message.status,
            lines: message.lines.map {
                ShopperOrder.Line(
                    sku: $0.sku, productId: $0.productID, name: $0.name, unitPriceAmount: Int($0.unitPriceAmount),
                    quantity: Int($0.quantity), lineTotalAmount: Int($0.lineTotalAmount)
                )
            },
            subtotalAmount: Int(message.subtotalAmount),
            shippingAmount: Int(message.shippingAmount),
            taxAmount: Int(message.taxAmount),
            totalAmount: Int(message.totalAmount),
            currency: message.currency.isEmpty ? Money.defaultCurrency : message.currency,
            address: ShippingDetails(
                name: address.name, line1: address.line1, line2: address.line2.isEmpty ? nil : address.line2, city: address.city,
                postalCode: address.postalCode, country: address.country
            ),
            paymentStatus: payment.status.isEmpty ? nil : payment.status,
            paymentBrand: payment.brand,
            paymentLast4: payment.last4,
            createdAt: Date(timeIntervalSince1970: Double(message.createdAtMicros) / 1_000_000),
            updatedAt: Date(timeIntervalSince1970: Double(message.updatedAtMicros) / 1_000_000),
            failureCode: message.failureCode.isEmpty ? nil : message.failureCode
        )
    }
}

extension Emporium_Orders_V1_OrdersService.Method.Checkout: UnaryMethod {}
extension Emporium_Orders_V1_OrdersService.Method.ListOrders: UnaryMethod {}
extension Emporium_Orders_V1_OrdersService.Method.GetOrder: UnaryMethod {}
extension Emporium_Orders_V1_OrdersService.Method.CancelOrder: UnaryMethod {}
