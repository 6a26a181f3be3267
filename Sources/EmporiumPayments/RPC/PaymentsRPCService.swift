import EmporiumCore
import EmporiumProto
import Foundation
import GRPCCore

/// Payments' internal API for checkout.
struct PaymentsRPCService: Emporium_Payments_V1_PaymentsService.SimpleServiceProtocol {
    let authorizer: PaymentAuthorizer
    let store: PaymentsStore

    func authorize(request: Emporium_Payments_V1_AuthorizeRequest, context: ServerContext) async throws -> Emporium_Payments_V1_Payment {
        guard !request.orderID.isEmpty, request.orderID.utf8.count <= 128 else {
            throw RPCError(code: .invalidArgument, message: "order_id must be 1 to 128 bytes.")
        }
        guard (0...Int64(Money.maximumAmount)).contains(request.amount) else {
            throw RPCError(code: .invalidArgument, message: "amount must be 0 to \(Money.maximumAmount) minor units.")
        }
        guard request.currency.utf8.count == 3, request.currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw RPCError(code: .invalidArgument, message: "currency must be an ISO 4217 code.")
        }
        let card = request.card
        let validated = PaymentCard.validate(number: card.number, expMonth: Int(card.expMonth), expYear: Int(card.expYear), cvc: card.cvc)
        switch validated {
        case .failure(let invalid):
            // Names the fields, never the number.
            throw RPCError(code: .invalidArgument, message: "Invalid card: " + invalid.errors.map { "\($0.field) \($0.message)" }.joined(separator: "; "))
        case .success(let card):
            let payment = try await self.authorizer.authorize(orderId: request.orderID, amount: Money(amount: Int(request.amount), currency: request.currency), card: card)
            return Self.message(payment)
        }
    }

    func capture(request: Emporium_Payments_V1_PaymentRef, context: ServerContext) async throws -> Emporium_Payments_V1_Payment {
        Self.message(try await self.store.capture(id: request.paymentID, now: Date()))
    }

    func void(request: Emporium_Payments_V1_PaymentRef, context: ServerContext) async throws -> Emporium_Payments_V1_Payment {
        if request.paymentID.isEmpty, !request.orderID.isEmpty {
            guard request.orderID.utf8.count <= 128 else {
                throw RPCError(code: .invalidArgument, message: "order_id must be 1 to 128 bytes.")
            }
            return Self.message(try await self.store.void(orderId: request.orderID, now: Date()))
        }
        return Self.message(try await self.store.void(id: request.paymentID, now: Date()))
    }

    func refund(request: Emporium_Payments_V1_PaymentRef, context: ServerContext) async throws -> Emporium_Payments_V1_Payment {
        Self.message(try await self.store.refund(id: request.paymentID, now: Date()))
    }

    func getPayment(request: Emporium_Payments_V1_GetPaymentRequest, context: ServerContext) async throws -> Emporium_Payments_V1_Payment {
        let payment: Payment?
        if !request.paymentID.isEmpty {
            payment = try await self.store.payment(id: request.paymentID)
        } else if !request.orderID.isEmpty {
            payment = try await self.store.payment(orderId: request.orderID)
        } else {
            throw RPCError(code: .invalidArgument, message: "Give payment_id or order_id.")
        }
        guard let payment else { throw RPCError(code: .notFound, message: "No such payment.") }
        return Self.message(payment)
    }

    static func message(_ payment: Payment) -> Emporium_Payments_V1_Payment {
        var message = Emporium_Payments_V1_Payment()
        message.id = payment.id
        message.orderID = payment.orderId
        message.status = switch payment.status {
        case .authorized: .authorized
        case .captured: .captured
        case .voided: .voided
        case .refunded: .refunded
        case .failed: .failed
        }
        message.amount = Int64(payment.amount.amount)
        message.currency = payment.amount.currency
        message.brand = payment.brand
        message.last4 = payment.last4
        message.declineCode = payment.declineCode ?? ""
        message.events = payment.events.map { event in
            var item = Emporium_Payments_V1_PaymentEvent()
            item.type = event.type
            item.amount = Int64(event.amount.amount)
            item.atUnixMs = Int64(event.at.timeIntervalSince1970 * 1000)
            return item
        }
        return message
    }
}
