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

    @Sendable func create(_ request: Request, context: EmporiumRequestContext) async throws -> Response {
        guard let principal = context.principal else { throw Problem.unauthorized() }
        let input = try await request.decodeJSON(CheckoutRequest.self, context: context)
        let (address, card) = try input.validated().get()
        let key = request.headers[.idempotencyKey] ?? ""
        let outcome: CheckoutSaga.Outcome
        do {
            outcome = try await self.saga.checkout(userId: principal.userId, idempotencyKey: key, address: address, card: card)
        } catch let problem as Problem {
            self.count("error")
            throw problem
        } catch {
            self.count("unfinished")
            context.logger.warning("Checkout could not finish", metadata: ["error": "\(String(reflecting: error))"])
            var problem = Problem.serviceUnavailable(
                "Checkout could not finish because a service it needs is unavailable. It will be completed or undone automatically; try again shortly.",
                retryAfterSeconds: 2
            )
            if let unfinished = error as? CheckoutSaga.Unfinished {
                problem.extensions["orderId"] = .string(unfinished.orderId)
            }
            throw problem
        }
        switch outcome {
        case .emptyCart:
            self.count("empty_cart")
            throw Problem.validation(field: "cart", "Your cart is empty.")
        case .outOfStock(let skus):
            self.count("out_of_stock")
            throw Problem(
                status: .conflict, slug: "out-of-stock", title: "Out of stock",
                detail: "Not enough stock, or no longer sold: \(skus.joined(separator: ", ")). Nothing was reserved or charged.",
                extensions: ["skus": .strings(skus)]
            )
        case .inFlight(let order):
            self.count("in_flight")
            throw Problem(
                status: .conflict, slug: "conflict", title: "Conflict",
                detail: "A checkout with this Idempotency-Key is still running.", extensions: ["orderId": .string(order.id)]
            )
        case .order(let order):
            switch order.status {
            case .paid, .shipped, .cancelled:
                self.count("paid")
                var response = try JSONCoding.response(OrderView(order), status: .created)
                response.headers[.location] = "/api/v1/orders/\(order.id)"
                return response
            case .failed where FailureCode.declines.contains(order.failureCode ?? ""):
                let code = order.failureCode ?? "processing_error"
                self.count(code)
                throw Problem(
                    status: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), slug: "payment-declined", title: "Payment declined",
                    detail: Self.declineDetail(code),
                    extensions: ["orderId": .string(order.id), "code": .string(code)]
                )
            case .failed, .pending:
                self.count("unfinished")
                var problem = Problem.serviceUnavailable(
                    order.status == .failed
                        ? "Checkout failed because a service it needs was unavailable; nothing was charged and your cart is kept. Try again."
                        : "Checkout is still finishing; it will be completed or undone automatically. Try again shortly.",
                    retryAfterSeconds: 2
                )
                problem.extensions["orderId"] = .string(order.id)
                throw problem
            }
        }
    }

    static func declineDetail(_ code: String) -> String {
        switch code {
        case "card_declined": "The card was declined. Nothing was charged; your cart is kept."
        case "insufficient_funds": "The card has insufficient funds. Nothing was charged; your cart is kept."
        default: "The card processor could not complete the payment. Nothing was charged; your cart is kept."
        }
    }

    @Sendable func list(_ request: Request, context: EmporiumRequestContext) async throws -> Response {
        guard let principal = context.principal else { throw Problem.unauthorized() }
        let query = request.formQuery
        let limit = try PageLimit.parse(try query["limit"])
        let cursorKey = try await self.cursorSecrets.key(named: PageCursor.secretName)
        let before = try query["cursor"].map { try PageCursor.decode($0, sort: "orders", signingKey: cursorKey).number ?? 0 }
        let page = try await self.store.list(userId: principal.userId, limit: limit, beforeSeq: before)
        let next = page.nextSeq.map { PageCursor(sort: "orders", number: $0, id: "").encoded(signingKey: cursorKey) }
        return try JSONCoding.response(Page(items: page.items.map(OrderView.init), nextCursor: next), status: .ok)
    }

    @Sendable func show(_ request: Request, context: EmporiumRequestContext) async throws -> Response {
        try JSONCoding.response(OrderView(try await self.visibleOrder(context)), status: .ok)
    }

    @Sendable func cancel(_ request: Request, context: EmporiumRequestContext) async throws -> Response {
        let order = try await self.visibleOrder(context)
        guard order.status == .paid else {
            throw Problem.conflict("Only a paid order can be cancelled; this one is \(order.status.rawValue).")
        }
        let cancelled: Order?
        do {
            cancelled = try await self.saga.cancel(order)
        } catch let problem as Problem {
            throw problem
        } catch {
            context.logger.warning("Cancel could not finish", metadata: ["order": "\(order.id)", "error": "\(String(reflecting: error))"])
            throw Problem.serviceUnavailable("The cancellation is under way and will finish automatically; try again shortly.", retryAfterSeconds: 2)
        }
        guard let cancelled else {
            let current = try await self.store.order(id: order.id)
            if let current, current.status == .paid, current.step == .cancel {
                throw Problem.conflict("This order is already being cancelled.")
            }
            throw Problem.conflict("Only a paid order can be cancelled; this one is \(current?.status.rawValue ?? "gone").")
        }
        return try JSONCoding.response(OrderView(cancelled), status: .ok)
    }

    @Sendable func ship(_ request: Request, context: EmporiumRequestContext) async throws -> Response {
        guard let principal = context.principal else { throw Problem.unauthorized() }
        guard principal.roles.contains(.admin) else { throw Problem.forbidden() }
        let order = try await self.visibleOrder(context)
        guard let shipped = try await self.saga.ship(order) else {
            throw Problem.conflict("Only a paid order can be shipped; this one is \(order.status.rawValue)\(order.step == .cancel ? " (being cancelled)" : "").")
        }
        return try JSONCoding.response(OrderView(shipped), status: .ok)
    }

    /// The `{id}` order if the caller owns it or is an admin; otherwise a 404, whether or
    /// not it exists.
    func visibleOrder(_ context: EmporiumRequestContext) async throws -> Order {
        guard let principal = context.principal else { throw Problem.unauthorized() }
        let id = try context.parameters.require("id")
        guard id.utf8.count <= 128, let order = try await self.store.order(id: id),
            order.userId == principal.userId || principal.roles.contains(.admin)
        else {
            throw Problem.notFound("No order \(id).")
        }
        return order
    }

    func count(_ outcome: String) {
        self.checkouts.increment(outcome)
    }
}
