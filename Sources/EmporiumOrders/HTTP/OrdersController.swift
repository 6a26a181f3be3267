import EmporiumCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `/api/v1/orders`: checkout (with the idempotency middleware), the caller's orders,
/// cancel, and admin ship. Another user's order is a 404, never a 403.
struct OrdersController: Sendable {
    /// Checkout, lists, visibility and cancel: the rules the gRPC API shares.
    let orders: ShopperOrders
    let idempotency: IdempotencyStore
    /// The per-installation key of checkout's idempotency fingerprints.
    let secrets: InstallationSecrets
    /// How long a checkout's key claim holds before a retry may take it over
    /// (`EMPORIUM_IDEMPOTENCY_LEASE_MS`).
    let idempotencyLease: Duration
    let verifier: any TokenVerifier

    var saga: CheckoutSaga { self.orders.saga }

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        let group = router.group("/api/v1/orders").add(middleware: RequireRole(nil, verifier: self.verifier))
        group.group().add(middleware: IdempotencyMiddleware(store: self.idempotency, secrets: self.secrets, redacting: Self.cardFields, lease: self.idempotencyLease)).post(use: self.create)
        group.get(use: self.list)
        group.get("{id}", use: self.show)
        group.post("{id}/cancel", use: self.cancel)
        group.post("{id}/ship", use: self.ship)
    }

    /// The card never reaches the stored fingerprint: its number counts by its last four
    /// (as the order shows it), its CVC not at all.
    static let cardFields: [String: IdempotencyMiddleware.Redaction] = [
        "payment.card.number": .lastFour,
        "payment.card.cvc": .drop,
    ]

    @Sendable func create(_ request: Request, context: EmporiumRequestContext) async throws -> EditedResponse<OrderView> {
        guard let principal = context.principal else { throw Problem.unauthorized() }
        let input = try await request.decodeJSON(CheckoutRequest.self, context: context)
        let (address, card) = try input.validated()
        let key = request.headers[.idempotencyKey] ?? ""
        let order = try await self.orders.checkout(userId: principal.userId, idempotencyKey: key, address: address, card: card, logger: context.logger)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/orders/\(order.id)"], response: OrderView(order))
    }

    @Sendable func list(_ request: Request, context: EmporiumRequestContext) async throws -> Page<OrderView> {
        guard let principal = context.principal else { throw Problem.unauthorized() }
        let query = request.formQuery
        let limit = try PageLimit.parse(try query["limit"])
        let page = try await self.orders.page(userId: principal.userId, limit: limit, cursor: try query["cursor"])
        return Page(items: page.orders.map(OrderView.init), nextCursor: page.nextCursor)
    }

    @Sendable func show(_ request: Request, context: EmporiumRequestContext) async throws -> OrderView {
        OrderView(try await self.visibleOrder(context))
    }

    @Sendable func cancel(_ request: Request, context: EmporiumRequestContext) async throws -> OrderView {
        let order = try await self.visibleOrder(context)
        return OrderView(try await self.orders.cancel(order, logger: context.logger))
    }

    @Sendable func ship(_ request: Request, context: EmporiumRequestContext) async throws -> OrderView {
        guard let principal = context.principal else { throw Problem.unauthorized() }
        guard principal.roles.contains(.admin) else { throw Problem.forbidden() }
        let order = try await self.visibleOrder(context)
        return OrderView(try await self.saga.ship(order))
    }

    /// The `{id}` order if the caller owns it or is an admin; otherwise a 404, whether or
    /// not it exists.
    func visibleOrder(_ context: EmporiumRequestContext) async throws -> Order {
        guard let principal = context.principal else { throw Problem.unauthorized() }
        let id = try context.parameters.require("id")
        return try await self.orders.visibleOrder(id: id, userId: principal.userId, isAdmin: principal.roles.contains(.admin))
    }
}
