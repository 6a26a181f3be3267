import EmporiumClients
import EmporiumCore
import Foundation
import GRPCCore
import Hummingbird
import Logging

/// `/checkout`: the address and card form, and placing the order through orders' gRPC API.
/// Each rendering of the form carries a new idempotency key, so a double click or a reload
/// of the post places one order; a checkout that could not finish keeps its key, so trying
/// again can never charge twice.
struct CheckoutController: Sendable {
    let shop: ShopPeers
    let kit: PageKit

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        router.get("/checkout") { request, context in
            await self.kit.handle(request, context) { visit in try await self.checkoutPage(&visit) }
        }
        router.post("/checkout") { request, context in
            await self.kit.handleForm(request, context) { visit, form in try await self.placeOrder(&visit, form) }
        }
    }

    func checkoutPage(_ visit: inout Visit) async throws -> PageKit.Outcome {
        guard let account = await self.kit.sessions.account(&visit) else { return .redirect("/login?next=/checkout") }
        return try await self.form(&visit, account: account, fields: CheckoutFields(name: account.name))
    }

    func placeOrder(_ visit: inout Visit, _ form: FormQuery) async throws -> PageKit.Outcome {
        guard let account = await self.kit.sessions.account(&visit) else { return .redirect("/login?next=/checkout") }
        var fields = CheckoutFields(form)
        guard let card = fields.card else {
            return try await self.form(&visit, account: account, fields: fields, status: .unprocessableContent,
                alert: "Please enter the card's expiry as a month (1–12) and a four-digit year.")
        }
        let outcome: CheckoutOutcome
        do {
            outcome = try await self.shop.orders.checkout(userId: account.id, idempotencyKey: fields.key, address: fields.address, card: card)
        } catch OrdersRefusal.invalid(let reason) {
            return try await self.form(&visit, account: account, fields: fields, status: .unprocessableContent, alert: "Please check your details: \(reason)")
        } catch OrdersRefusal.emptyCart {
            return .redirect("/cart")
        } catch OrdersRefusal.inFlight {
            return try await self.form(&visit, account: account, fields: fields, status: .conflict,
                alert: "Your order is still being placed. Look at your orders in a moment before trying again.")
        } catch let error where Self.unfinished(error) {
            self.kit.logger.warning("Storefront checkout did not finish", metadata: ["error": "\(String(reflecting: error))"])
            return try await self.form(&visit, account: account, fields: fields, status: .serviceUnavailable,
                alert: "We could not finish placing your order just now. Please try again in a moment: you will never be charged twice for it.")
        }
        switch outcome {
        case .paid(let order):
            let left = try? await self.shop.cart.cart(userId: account.id).itemCount
            visit.update { $0.cartCount = left ?? 0 }
            return .redirect("/account/orders/" + Paths.segment(order.id) + "?notice=placed")
        case .declined(_, let code):
            fields.key = CheckoutFields.newKey()
            return try await self.form(&visit, account: account, fields: fields, status: Self.paymentRequired, alert: Self.declined(code))
        case .outOfStock(let skus):
            fields.key = CheckoutFields.newKey()
            let cart = try await self.shop.cart.cart(userId: account.id)
            let names = cart.lines.filter { skus.contains($0.sku) }.map { LineName.shown($0.name) }
            let what = names.isEmpty ? "Some items in your cart are" : names.joined(separator: ", ") + (names.count == 1 ? " is" : " are")
            return try await self.form(&visit, account: account, fields: fields, status: .conflict,
                alert: "\(what) no longer available in the quantity you chose. Please change your cart; you have not been charged.")
        }
    }

    /// A declined card: 402, the status the payment was refused with.
    static let paymentRequired = HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required")

    /// Checkout ended without an answer: orders said so, or the call itself failed.
    static func unfinished(_ error: any Error) -> Bool {
        if case OrdersRefusal.unavailable = error { return true }
        return error is RPCError
    }

    static func declined(_ code: String) -> String {
        switch code {
        case "insufficient_funds": "Your card was declined for insufficient funds. You have not been charged — try another card."
        case "processing_error": "Your card could not be processed. You have not been charged — please try again or use another card."
        default: "Your card was declined. You have not been charged — try another card."
        }
    }

    private func form(
        _ visit: inout Visit, account: ShopperCookie.Account, fields: CheckoutFields, status: HTTPResponse.Status = .ok, alert: String? = nil
    ) async throws -> PageKit.Outcome {
        let cart = try await self.shop.cart.cart(userId: account.id)
        visit.update { $0.cartCount = cart.itemCount }
        guard !cart.lines.isEmpty else { return .redirect("/cart") }
        let summary = try await CartView(cart, products: self.shop.catalog)
        return .page(.init(status: status, html: self.kit.render(
            "checkout", visit, title: "Checkout — Emporium", alert: alert, view: ["cart": summary, "fields": fields]
        )))
    }
}
