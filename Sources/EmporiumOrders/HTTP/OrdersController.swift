import EmporiumCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `/api/v1/orders`: checkout (with the idempotency middleware), the caller's orders,
/// cancel, and admin ship. Another user's order is a 404, never a 403.
struct OrdersController: Sendable {
    let saga: CheckoutSaga
    let idempotency: IdempotencyStore
    /// The per-installation key of checkout's idempotency fingerprints.
    let secrets: InstallationSecrets
    /// How long a checkout's key claim holds before a retry may take it over
    /// (`EMPORIUM_IDEMPOTENCY_LEASE_MS`).
    let idempotencyLease: Duration
    let verifier: any TokenVerifier
    /// `orders_checkouts_total{outcome}`.
    let checkouts: CounterFamily
    /// Signs list cursors, so a forged one is a 400.
    let cursorSecrets: InstallationSecrets

    var store: OrdersStore { self.saga.store }

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
        do {
            let order = try await self.saga.checkout(userId: principal.userId, idempotencyKey: key, address: address, card: card)
            self.count("paid")
            return EditedResponse(status: .created, headers: [.location: "/api/v1/orders/\(order.id)"], response: OrderView(order))
        } catch let error as OrdersError {
            self.count(error.checkoutOutcome)
            throw error
        } catch let error as any ProblemConvertible {
            self.count("error")
            throw error
        } catch {
            self.count("unfinished")
            context.logger.warning("Checkout could not finish", metadata: ["error": "\(String(reflecting: error))"])
            throw OrdersError.checkoutInterrupted(orderId: nil)
        }
    }

    @Sendable func list(_ request: Request, context: EmporiumRequestContext) async throws -> Page<OrderView> {
        guard let principal = context.principal else { throw Problem.unauthorized() }
        let query = request.formQuery
        let limit = try PageLimit.parse(try query["limit"])
        let cursorKey = try await self.cursorSecrets.key(named: PageCursor.secretName)
        let before = try query["cursor"].map { try PageCursor.decode($0, sort: "orders", signingKey: cursorKey).number ?? 0 }
        let page = try await self.store.list(userId: principal.userId, limit: limit, beforeSeq: before)
        let next = page.nextSeq.map { PageCursor(sort: "orders", number: $0, id: "").encoded(signingKey: cursorKey) }
        return Page(items: page.items.map(OrderView.init), nextCursor: next)
    }

    @Sendable func show(_ request: Request, context: EmporiumRequestContext) async throws -> OrderView {
        OrderView(try await self.visibleOrder(context))
    }

    @Sendable func cancel(_ request: Request, context: EmporiumRequestContext) async throws -> OrderView {
        let order = try await self.visibleOrder(context)
        let cancelled: Order
        do {
            cancelled = try await self.saga.cancel(order)
        } catch let error as OrdersError {
            throw error
        } catch {
            context.logger.warning("Cancel could not finish", metadata: ["order": "\(order.id)", "error": "\(String(reflecting: error))"])
            throw OrdersError.cancellationInterrupted(orderId: order.id)
        }
        return OrderView(cancelled)
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
        guard id.utf8.count <= 128, let order = try await self.store.order(id: id),
            order.userId == principal.userId || principal.roles.contains(.admin)
        else {
            throw OrdersError.notFound(orderId: id)
        }
        return order
    }

    func count(_ outcome: String) {
        self.checkouts.increment(outcome)
    }
}
