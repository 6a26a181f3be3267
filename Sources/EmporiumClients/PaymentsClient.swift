public import EmporiumCore
import EmporiumProto
import Foundation
import GRPCCore

/// Payments' internal API over gRPC. Authorize is idempotent by order id, the rest by
/// payment id, so the network policy's retries are safe.
public struct PaymentsClient: PaymentsPeer {
    typealias Service = Emporium_Payments_V1_PaymentsService

    let channel: PeerChannel

    public init(_ connection: RPCConnection) {
        self.channel = PeerChannel(connection)
        connection.register(Service.descriptor)
    }

    public func authorize(orderId: String, amount: Money, card: CardDetails) async throws -> PaymentOutcome {
        var request = Emporium_Payments_V1_AuthorizeRequest()
        request.orderID = orderId
        request.amount = Int64(amount.amount)
        request.currency = amount.currency
        request.card.number = card.number
        request.card.expMonth = Int32(clamping: card.expMonth)
        request.card.expYear = Int32(clamping: card.expYear)
        request.card.cvc = card.cvc
        return try Self.outcome(try await self.channel.call(Service.Method.Authorize.self, request))
    }

    public func capture(paymentId: String) async throws -> PaymentOutcome {
        try Self.outcome(try await self.channel.call(Service.Method.Capture.self, Self.ref(paymentId: paymentId)))
    }

    public func void(paymentId: String) async throws -> PaymentOutcome {
        try Self.outcome(try await self.channel.call(Service.Method.Void.self, Self.ref(paymentId: paymentId)))
    }

    public func void(orderId: String) async throws -> PaymentOutcome {
        var ref = Emporium_Payments_V1_PaymentRef()
        ref.orderID = orderId
        return try Self.outcome(try await self.channel.call(Service.Method.Void.self, ref))
    }

    public func refund(paymentId: String) async throws -> PaymentOutcome {
        try Self.outcome(try await self.channel.call(Service.Method.Refund.self, Self.ref(paymentId: paymentId)))
    }

    public func payment(orderId: String) async throws -> PaymentOutcome {
        var request = Emporium_Payments_V1_GetPaymentRequest()
        request.orderID = orderId
        return try Self.outcome(try await self.channel.call(Service.Method.GetPayment.self, request))
    }

    static func ref(paymentId: String) -> Emporium_Payments_V1_PaymentRef {
        var ref = Emporium_Payments_V1_PaymentRef()
        ref.paymentID = paymentId
        return ref
    }

    static func outcome(_ message: Emporium_Payments_V1_Payment) throws -> PaymentOutcome {
        PaymentOutcome(
            id: message.id,
            orderId: message.orderID,
            status: try Self.status(message.status),
            amount: Int(message.amount),
            currency: message.currency,
            brand: message.brand,
            last4: message.last4,
            declineCode: message.declineCode.isEmpty ? nil : message.declineCode,
            events: message.events.map { event in
                PaymentOutcome.Event(type: event.type, amount: Int(event.amount), at: Date(timeIntervalSince1970: Double(event.atUnixMs) / 1000))
            }
        )
    }

    static func status(_ status: Emporium_Payments_V1_PaymentStatus) throws -> PaymentOutcome.Status {
        switch status {
        case .authorized: .authorized
        case .captured: .captured
        case .voided: .voided
        case .refunded: .refunded
        case .failed: .failed
        case .unspecified, .UNRECOGNIZED: throw unexpectedAnswer("payments", "payment status")
        }
    }
}

extension Emporium_Payments_V1_PaymentsService.Method.Authorize: UnaryMethod {}
extension Emporium_Payments_V1_PaymentsService.Method.Capture: UnaryMethod {}
extension Emporium_Payments_V1_PaymentsService.Method.Void: UnaryMethod {}
extension Emporium_Payments_V1_PaymentsService.Method.Refund: UnaryMethod {}
extension Emporium_Payments_V1_PaymentsService.Method.GetPayment: UnaryMethod {}
