public import EmporiumCore
public import EmporiumProto
import GRPCCore

/// Payments' internal API as checkout uses it. Authorize is idempotent by order id, the
/// rest by payment id, so the network policy's retries are safe.
public struct PaymentsClient: Sendable {
    public typealias Payment = Emporium_Payments_V1_Payment
    typealias Service = Emporium_Payments_V1_PaymentsService

    let connection: RPCConnection
    let client: any Emporium_Payments_V1_PaymentsService.ClientProtocol

    public init(_ connection: RPCConnection) {
        self.connection = connection
        self.client = connection.makeClient(
            inProcess: { Service.Client(wrapping: $0) },
            http2: { Service.Client(wrapping: $0) }
        )
    }

    public func authorize(orderId: String, amount: Money, card: Emporium_Payments_V1_Card) async throws -> Payment {
        var request = Emporium_Payments_V1_AuthorizeRequest()
        request.orderID = orderId
        request.amount = Int64(amount.amount)
        request.currency = amount.currency
        request.card = card
        return try await self.connection.call(Service.Method.Authorize.descriptor) { try await self.client.authorize(request) }
    }

    public func capture(paymentId: String) async throws -> Payment {
        try await self.connection.call(Service.Method.Capture.descriptor) { try await self.client.capture(Self.ref(paymentId)) }
    }

    public func void(paymentId: String) async throws -> Payment {
        try await self.connection.call(Service.Method.Void.descriptor) { try await self.client.void(Self.ref(paymentId)) }
    }

    /// Voids the order's payment, or, if it has none, records a voided one so a late
    /// Authorize for the order holds nothing: the compensation for an authorization whose
    /// outcome is unknown.
    public func void(orderId: String) async throws -> Payment {
        var ref = Emporium_Payments_V1_PaymentRef()
        ref.orderID = orderId
        return try await self.connection.call(Service.Method.Void.descriptor) { try await self.client.void(ref) }
    }

    public func refund(paymentId: String) async throws -> Payment {
        try await self.connection.call(Service.Method.Refund.descriptor) { try await self.client.refund(Self.ref(paymentId)) }
    }

    public func payment(orderId: String) async throws -> Payment {
        var request = Emporium_Payments_V1_GetPaymentRequest()
        request.orderID = orderId
        return try await self.connection.call(Service.Method.GetPayment.descriptor) { try await self.client.getPayment(request) }
    }

    static func ref(_ id: String) -> Emporium_Payments_V1_PaymentRef {
        var ref = Emporium_Payments_V1_PaymentRef()
        ref.paymentID = id
        return ref
    }
}
