import EmporiumClients
import EmporiumCore
import Foundation
import GRPCCore
import Hummingbird
import Logging

/// `/cart`: the cart page and the forms that change it. A guest's cart belongs to the
/// guest id in their session and is merged into their account's cart when they sign in.
struct CartPagesController: Sendable {
    let shop: ShopPeers
    let kit: PageKit

    /// Most units of one SKU a form may ask for (the cart's own limit answers beyond it).
    static let maximumQuantity = 99

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        router.get("/cart") { request, context in
            await self.kit.handle(request, context) { visit in try await self.cartPage(&visit, notice: Notice.text(request.formQuery)) }
        }
        router.post("/cart/items") { request, context in
            await self.kit.handleForm(request, context) { visit, form in try await self.add(&visit, form) }
        }
        router.post("/cart/items/{sku}") { request, context in
            let sku = context.parameters.get("sku") ?? ""
            return await self.kit.handleForm(request, context) { visit, form in try await self.setQuantity(&visit, sku: sku, form) }
        }
        router.post("/cart/items/{sku}/remove") { request, context in
            let sku = context.parameters.get("sku") ?? ""
            return await self.kit.handleForm(request, context) { visit, _ in try await self.remove(&visit, sku: sku) }
        }
    }

    func cartPage(_ visit: inout Visit, notice: String?, alert: String? = nil, status: HTTPResponse.Status = .ok) async throws -> PageKit.Outcome {
        _ = await self.kit.sessions.account(&visit)
        let owner = visit.session().cartOwner
        let cart = try await self.shop.cart.cart(userId: owner)
        visit.update { $0.cartCount = cart.itemCount }
        let view = try await CartView(cart, products: self.shop.catalog)
        return .page(.init(status: status, html: self.kit.render("cart", visit, title: "Your cart — Emporium", notice: notice, alert: alert, view: ["cart": view])))
    }

    func add(_ visit: inout Visit, _ form: FormQuery) async throws -> PageKit.Outcome {
        _ = await self.kit.sessions.account(&visit)
        let sku = (try? form["sku"]) ?? nil
        guard let sku, !sku.isEmpty else {
            return try await self.cartPage(&visit, notice: nil, alert: "Please choose an option before adding to your cart.", status: .unprocessableContent)
        }
        guard let quantity = Self.quantity(try? form["quantity"]), quantity >= 1 else {
            return try await self.cartPage(&visit, notice: nil, alert: "Please enter a quantity from 1 to \(Self.maximumQuantity).", status: .unprocessableContent)
        }
        do {
            let cart = try await self.shop.cart.add(userId: visit.session().cartOwner, sku: sku, quantity: quantity)
            visit.update { $0.cartCount = cart.itemCount }
            return .redirect("/cart?notice=added")
        } catch let error as RPCError where error.code == .invalidArgument {
            return try await self.cartPage(&visit, notice: nil, alert: Self.refusal, status: .unprocessableContent)
        }
    }

    func setQuantity(_ visit: inout Visit, sku: String, _ form: FormQuery) async throws -> PageKit.Outcome {
        _ = await self.kit.sessions.account(&visit)
        guard let quantity = Self.quantity(try? form["quantity"]) else {
            return try await self.cartPage(&visit, notice: nil, alert: "Please enter a quantity from 0 to \(Self.maximumQuantity).", status: .unprocessableContent)
        }
        do {
            let cart = try await self.shop.cart.setQuantity(userId: visit.session().cartOwner, sku: sku, quantity: quantity)
            visit.update { $0.cartCount = cart.itemCount }
            return .redirect(quantity == 0 ? "/cart?notice=removed" : "/cart?notice=updated")
        } catch let error as RPCError where error.code == .invalidArgument {
            return try await self.cartPage(&visit, notice: nil, alert: Self.refusal, status: .unprocessableContent)
        } catch let error as RPCError where error.code == .notFound {
            // Removed meanwhile (another tab): show the cart as it is.
            return .redirect("/cart")
        }
    }

    func remove(_ visit: inout Visit, sku: String) async throws -> PageKit.Outcome {
        _ = await self.kit.sessions.account(&visit)
        do {
            let cart = try await self.shop.cart.remove(userId: visit.session().cartOwner, sku: sku)
            visit.update { $0.cartCount = cart.itemCount }
        } catch let error as RPCError where error.code == .notFound {
            // Removed already (another tab): the cart is as the shopper wanted.
        }
        return .redirect("/cart?notice=removed")
    }

    /// Cart refuses a change for an unknown or no longer sold SKU, a line over its limit or
    /// too many lines; none of them is the shopper's typo to fix field by field.
    static let refusal = "We could not change your cart that way: the item may no longer be sold, or it would hold more than the cart allows (up to 99 of an item, 100 different items)."

    /// A whole number of units within the form's limit, or nil.
    static func quantity(_ text: String??) -> Int? {
        guard let text = text ?? nil, let value = Int(text.trimmingCharacters(in: .whitespaces)), (0...Self.maximumQuantity).contains(value) else { return nil }
        return value
    }
}
