import EmporiumClients
import EmporiumCore
import Foundation
import Hummingbird
import Logging

/// `/account/orders`: a shopper's orders, one order (the confirmation after checkout is
/// this page with a notice), and cancelling a paid one.
struct OrderPagesController: Sendable {
    let shop: ShopPeers
    let kit: PageKit

    static let pageSize = 20

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        router.get("/account/orders") { request, context in
            await self.kit.handle(request, context) { visit in try await self.history(&visit, query: request.formQuery) }
        }
        router.get("/account/orders/{id}") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await self.kit.handle(request, context) { visit in try await self.detail(&visit, id: id, notice: Notice.text(request.formQuery)) }
        }
        router.post("/account/orders/{id}/cancel") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await self.kit.handleForm(request, context) { visit, _ in try await self.cancel(&visit, id: id) }
        }
    }

    func history(_ visit: inout Visit, query: FormQuery) async throws -> PageKit.Outcome {
        guard let account = await self.kit.sessions.account(&visit) else { return .redirect("/login?next=/account/orders") }
        let after = ((try? query["after"]) ?? nil).flatMap { $0.isEmpty ? nil : $0 }
        let page: ShopperOrderPage
        do {
            page = try await self.shop.orders.orders(userId: account.id, limit: Self.pageSize, cursor: after)
        } catch OrdersRefusal.invalid where after != nil {
            // A stale or edited "older orders" link: start from the newest.
            page = try await self.shop.orders.orders(userId: account.id, limit: Self.pageSize, cursor: nil)
        }
        var view: [String: Any] = ["orders": page.orders.map(OrderView.init), "none": page.orders.isEmpty && after == nil]
        if let next = page.nextCursor { view["next"] = "/account/orders?after=" + Paths.segment(next) }
        if after != nil { view["first"] = "/account/orders" }
        return .page(.init(html: self.kit.render("orders", visit, title: "Your orders — Emporium", view: view)))
    }

    func detail(_ visit: inout Visit, id: String, notice: String?, alert: String? = nil, status: HTTPResponse.Status = .ok) async throws -> PageKit.Outcome {
        guard let account = await self.kit.sessions.account(&visit) else {
            return .redirect("/login?next=" + Paths.segment("/account/orders/" + id))
        }
        let order: ShopperOrder
        do {
            order = try await self.shop.orders.order(userId: account.id, id: id)
        } catch OrdersRefusal.notFound {
            return .page(self.kit.message(visit, status: .notFound, heading: "Not found", text: "We could not find that order in your account."))
        }
        return .page(.init(status: status, html: self.kit.render(
            "order", visit, title: "Order \(OrderView.shortId(order.id)) — Emporium", notice: notice, alert: alert, view: ["order": OrderView(order)]
        )))
    }

    func cancel(_ visit: inout Visit, id: String) async throws -> PageKit.Outcome {
        guard let account = await self.kit.sessions.account(&visit) else { return .redirect("/login?next=/account/orders") }
        do {
            _ = try await self.shop.orders.cancel(userId: account.id, id: id)
            return .redirect("/account/orders/" + Paths.segment(id) + "?notice=cancelled")
        } catch OrdersRefusal.notCancellable {
            return try await self.detail(&visit, id: id, notice: nil, alert: "This order can no longer be cancelled.", status: .conflict)
        } catch OrdersRefusal.notFound {
            return .page(self.kit.message(visit, status: .notFound, heading: "Not found", text: "We could not find that order in your account."))
        }
    }
}
