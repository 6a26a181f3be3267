public import EmporiumCore
public import Foundation
import SQLKit

/// Orders, their lines and their outbox over SQLKit (SQLite and PostgreSQL). Every saga
/// move is one conditional update (`WHERE step = <expected>`), so two processes driving
/// the same order — a slow one and recovery — can never both take a step; and every status
/// change is written with its outbox row in the same transaction (on PostgreSQL, in the
/// same statement).
public struct OrdersStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// Writes a new order (step `reserve`) with its lines and its `order.created` outbox row.
    /// Returns false, writing nothing, when the user already has an order under
    /// `idempotencyKey`. On PostgreSQL one statement writes all three (atomic by itself, so
    /// without BEGIN/COMMIT); on SQLite, one transaction.
    func create(_ order: Order, idempotencyKey: String, leaseUntil: Date) async throws -> Bool {
        let address = try JSONCoding.encoder.encode(order.shippingAddress)
        let created = Timestamp.micros(order.createdAt)
        let insertOrder: SQLQueryString = """
            INSERT INTO orders (id, user_id, idempotency_key, status, step, subtotal, shipping, tax, total, currency,
                shipping_address, card_brand, card_last4, lease_until, created_at, updated_at)
            VALUES (\(bind: order.id), \(bind: order.userId), \(bind: idempotencyKey), \(bind: order.status.rawValue),
                \(bind: order.step.rawValue), \(bind: order.subtotal.amount), \(bind: order.shipping.amount), \(bind: order.tax.amount),
                \(bind: order.total.amount), \(bind: order.total.currency), \(bind: String(decoding: address, as: UTF8.self)),
                \(bind: order.cardBrand), \(bind: order.cardLast4), \(bind: Timestamp.micros(leaseUntil)), \(bind: created), \(bind: created))
            ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING id
            """
        let outbox = try Self.outboxRow(order, type: "order.created")
        // Checkout refuses an empty cart, so an order always has lines and VALUES is never empty.
        if self.database.kind == .postgres {
            let lines = order.items.enumerated().map { position, item -> SQLQueryString in
                "(\(bind: position), \(bind: item.sku), \(bind: item.productId), \(bind: item.name), \(bind: item.unitPrice.amount), \(bind: item.quantity))"
            }.joined(separator: ", ")
            return try await self.database.writeStatement { sql in
                try await sql.raw(
                    """
                    WITH created AS (\(insertOrder)), lines AS (
                        INSERT INTO order_lines (order_id, position, sku, product_id, name, unit_price, quantity)
                        SELECT created.id, line.position, line.sku, line.product_id, line.name, line.unit_price, line.quantity
                        FROM created CROSS JOIN (VALUES \(lines)) AS line (position, sku, product_id, name, unit_price, quantity)
                    )
                    INSERT INTO order_outbox (order_id, type, payload, created_at)
                    SELECT id, \(bind: outbox.type), \(bind: outbox.payload), \(bind: outbox.createdAt) FROM created
                    RETURNING order_id
                    """
                ).first() != nil
            }
        }
        return try await self.database.write { sql in
            guard try await sql.raw(insertOrder).first() != nil else { return false }
            var lines = sql.insert(into: "order_lines").columns("order_id", "position", "sku", "product_id", "name", "unit_price", "quantity")
            for (position, item) in order.items.enumerated() {
                lines = lines.values(
                    SQLBind(order.id), SQLBind(position), SQLBind(item.sku), SQLBind(item.productId), SQLBind(item.name),
                    SQLBind(item.unitPrice.amount), SQLBind(item.quantity)
                )
            }
            try await lines.run()
            try await Self.insert(outbox, sql: sql)
            return true
        }
    }

    /// What a saga move changes besides the step.
    struct Changes: Sendable {
        var status: OrderStatus?
        var failureCode: String?
        var paymentId: String?
        var paymentStatus: String?
        /// Frees the Idempotency-Key (a checkout that failed for want of a service may be
        /// retried under the same key as a new order).
        var releaseKey = false
    }

    /// Moves `order` from its current step to `to` if no one else has moved it, applying
    /// `changes` and renewing the lease; a status change also writes an outbox row.
    /// Returns the moved order, or nil when the step had already moved.
    func advance(_ order: Order, to step: SagaStep, _ changes: Changes = Changes(), leaseUntil: Date, now: Date = Date()) async throws -> Order? {
        var moved = order
        moved.step = step
        moved.status = changes.status ?? order.status
        moved.failureCode = changes.failureCode ?? order.failureCode
        moved.paymentId = changes.paymentId ?? order.paymentId
        moved.paymentStatus = changes.paymentStatus ?? order.paymentStatus
        moved.updatedAt = now
        let stamp = Timestamp.micros(now)
        let result = moved
        let update: SQLQueryString = """
            UPDATE orders SET step = \(bind: step.rawValue), status = \(bind: result.status.rawValue),
                failure_code = \(bind: result.failureCode), payment_id = \(bind: result.paymentId),
                payment_status = \(bind: result.paymentStatus), lease_until = \(bind: Timestamp.micros(leaseUntil)),
                updated_at = \(bind: stamp)\(unsafeRaw: changes.releaseKey ? ", idempotency_key = NULL" : "")
            WHERE id = \(bind: order.id) AND step = \(bind: order.step.rawValue) AND status = \(bind: order.status.rawValue) RETURNING id
            """
        let ok: Bool
        if result.status == order.status {
            // Without a status change there is no outbox row: the UPDATE alone, one statement.
            ok = try await self.database.writeStatement { sql in try await sql.raw(update).first() != nil }
        } else if self.database.kind == .postgres {
            // The update and its outbox row as one statement (atomic by itself).
            let outbox = try Self.outboxRow(result, type: "order.\(result.status.rawValue)")
            ok = try await self.database.writeStatement { sql in
                try await sql.raw(
                    """
                    WITH moved AS (\(update))
                    INSERT INTO order_outbox (order_id, type, payload, created_at)
                    SELECT id, \(bind: outbox.type), \(bind: outbox.payload), \(bind: outbox.createdAt) FROM moved
                    RETURNING order_id
                    """
                ).first() != nil
            }
        } else {
            let outbox = try Self.outboxRow(result, type: "order.\(result.status.rawValue)")
            ok = try await self.database.write { sql in
                guard try await sql.raw(update).first() != nil else { return false }
                try await Self.insert(outbox, sql: sql)
                return true
            }
        }
        return ok ? result : nil
    }

    /// Removes an order nothing was reserved or charged for (out of stock): API.md says
    /// such a checkout leaves no order. Only while it is still at `reserve`.
    func discard(_ order: Order) async throws -> Bool {
        try await self.database.write { sql in
            try await sql.raw(
                "DELETE FROM orders WHERE id = \(bind: order.id) AND step = \(bind: SagaStep.reserve.rawValue) RETURNING id"
            ).first() != nil
        }
    }

    public func order(id: String) async throws -> Order? {
        try await self.database.read { sql in
            try await Self.orders(where: "o.id = \(bind: id)", sql: sql).first
        }
    }

    func order(userId: String, idempotencyKey: String) async throws -> Order? {
        try await self.database.read { sql in
            try await Self.orders(where: "o.user_id = \(bind: userId) AND o.idempotency_key = \(bind: idempotencyKey)", sql: sql).first
        }
    }

    /// A user's orders, newest first (by insertion sequence: exact creation order).
    func list(userId: String, limit: Int, beforeSeq: Int?) async throws -> (items: [Order], nextSeq: Int?) {
        try await self.database.read { sql in
            var condition: SQLQueryString = "o.user_id = \(bind: userId)"
            if let beforeSeq {
                condition = condition + " AND o.seq < \(bind: beforeSeq)"
            }
            let rows = try await Self.orderRows(where: condition, order: "o.seq DESC", limit: limit + 1, sql: sql)
            let page = Array(rows.prefix(limit))
            let orders = try await Self.attachLines(page, sql: sql)
            return (orders, rows.count > limit ? page.last?.seq : nil)
        }
    }

    /// Orders whose saga is unfinished and whose lease ran out: recovery's work list.
    func abandoned(now: Date, limit: Int) async throws -> [Order] {
        try await self.database.read { sql in
            let rows = try await Self.orderRows(
                where: "o.step <> \(bind: SagaStep.done.rawValue) AND o.lease_until < \(bind: Timestamp.micros(now))",
                order: "o.lease_until", limit: limit, sql: sql
            )
            return try await Self.attachLines(rows, sql: sql)
        }
    }

    /// Gives up the lease on an order whose driver stopped (a call it needed failed), so a
    /// retry of the checkout, or recovery, takes it over now instead of when the lease would
    /// have run out. Only a lease still running on the step it was left at: an order that
    /// moved on is someone else's. (A lease another driver claimed on the same step would be
    /// given up too; that needs this driver to have outrun its own lease, which the lease's
    /// length rules out — `OrdersService.Settings.sagaLease` — and even then every step is a
    /// conditional move and every call idempotent by order id.)
    func release(_ order: Order, now: Date) async throws {
        try await self.database.write { sql in
            try await sql.raw(
                """
                UPDATE orders SET lease_until = \(bind: Timestamp.micros(now))
                WHERE id = \(bind: order.id) AND step = \(bind: order.step.rawValue) AND status = \(bind: order.status.rawValue)
                    AND lease_until > \(bind: Timestamp.micros(now))
                """
            ).run()
        }
    }

    /// Takes over an order whose lease ran out: true for exactly one of any racing callers.
    func claim(_ order: Order, now: Date, leaseUntil: Date) async throws -> Bool {
        try await self.database.write { sql in
            try await sql.raw(
                """
                UPDATE orders SET lease_until = \(bind: Timestamp.micros(leaseUntil))
                WHERE id = \(bind: order.id) AND step = \(bind: order.step.rawValue) AND lease_until < \(bind: Timestamp.micros(now))
                RETURNING id
                """
            ).first() != nil
        }
    }

    // MARK: Outbox

    struct OutboxEvent: Sendable, Equatable {
        var seq: Int
        var orderId: String
        var type: String
        var payload: String
        /// Failed deliveries so far.
        var attempts: Int = 0
    }

    /// The oldest events not yet delivered, not parked, and due (an event that failed waits
    /// out its backoff, so it cannot hold up the ones after it).
    func undelivered(limit: Int, now: Date = Date()) async throws -> [OutboxEvent] {
        try await self.database.read { sql in
            try await sql.raw(
                """
                SELECT seq, order_id, type, payload, attempts FROM order_outbox
                WHERE delivered_at IS NULL AND parked_at IS NULL AND next_attempt_at <= \(bind: Timestamp.micros(now))
                ORDER BY seq LIMIT \(literal: limit)
                """
            ).all().map { row in
                OutboxEvent(
                    seq: try row.decode(column: "seq", as: Int.self),
                    orderId: try row.decode(column: "order_id", as: String.self),
                    type: try row.decode(column: "type", as: String.self),
                    payload: try row.decode(column: "payload", as: String.self),
                    attempts: try row.decode(column: "attempts", as: Int.self)
                )
            }
        }
    }

    /// Marks these events delivered; returns how many this call marked (an event another
    /// instance or checkout itself marked first is not counted twice).
    @discardableResult
    func markDelivered(_ seqs: [Int], now: Date) async throws -> Int {
        guard !seqs.isEmpty else { return 0 }
        return try await self.database.writeStatement { sql in
            try await sql.raw(
                "UPDATE order_outbox SET delivered_at = \(bind: Timestamp.micros(now)) WHERE seq IN (\(binds: seqs)) AND delivered_at IS NULL RETURNING seq"
            ).all().count
        }
    }

    /// Marks an order's events of these types delivered; returns how many this call marked.
    @discardableResult
    func markDelivered(orderId: String, types: [String], now: Date) async throws -> Int {
        try await self.database.writeStatement { sql in
            try await sql.raw(
                """
                UPDATE order_outbox SET delivered_at = \(bind: Timestamp.micros(now))
                WHERE order_id = \(bind: orderId) AND type IN (\(binds: types)) AND delivered_at IS NULL
                RETURNING seq
                """
            ).all().count
        }
    }

    /// What becomes of an event whose delivery failed.
    enum FailedDelivery: Sendable {
        /// Tried again at this time, after the events behind it had their turn.
        case retry(at: Date)
        /// Set aside (`parked_at`): it can never be delivered, so the relay no longer
        /// reads it; an operator can look at it and, once fixed, clear `parked_at` to have
        /// it relayed again.
        case park(now: Date)
    }

    /// Records a failed delivery of event `seq`: its attempts, the error, and a retry time or
    /// its parking.
    func recordFailure(seq: Int, attempts: Int, error: String, _ outcome: FailedDelivery) async throws {
        let (column, stamp) =
            switch outcome {
            case .retry(let at): ("next_attempt_at", Timestamp.micros(at))
            case .park(let now): ("parked_at", Timestamp.micros(now))
            }
        try await self.database.write { sql in
            try await sql.raw(
                """
                UPDATE order_outbox SET attempts = \(bind: attempts), last_error = \(bind: error), \(unsafeRaw: column) = \(bind: stamp)
                WHERE seq = \(bind: seq) AND delivered_at IS NULL
                """
            ).run()
        }
    }

    struct EventPayload: Codable, Sendable {
        struct Line: Codable, Sendable {
            var sku: String
            var quantity: Int
        }

        var orderId: String
        var userId: String
        var status: OrderStatus
        var total: Money
        var lines: [Line]
    }

    /// An outbox row: the event's type, its JSON payload and when it happened.
    struct OutboxRow: Sendable {
        var orderId: String
        var type: String
        var payload: String
        var createdAt: Int
    }

    static func outboxRow(_ order: Order, type: String) throws -> OutboxRow {
        let payload = EventPayload(orderId: order.id, userId: order.userId, status: order.status, total: order.total, lines: order.items.map { .init(sku: $0.sku, quantity: $0.quantity) })
        let text = String(decoding: try JSONCoding.encoder.encode(payload), as: UTF8.self)
        return OutboxRow(orderId: order.id, type: type, payload: text, createdAt: Timestamp.micros(order.updatedAt))
    }

    static func insert(_ row: OutboxRow, sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO order_outbox (order_id, type, payload, created_at)
            VALUES (\(bind: row.orderId), \(bind: row.type), \(bind: row.payload), \(bind: row.createdAt))
            """
        ).run()
    }

    // MARK: Rows

    struct OrderRow: Sendable {
        var seq: Int
        var order: Order
    }

    static let columns = """
        o.seq, o.id, o.user_id, o.status, o.step, o.failure_code, o.subtotal, o.shipping, o.tax, o.total, o.currency,
        o.shipping_address, o.payment_id, o.payment_status, o.card_brand, o.card_last4, o.created_at, o.updated_at
        """

    static func orders(where condition: SQLQueryString, sql: any SQLDatabase) async throws -> [Order] {
        try await self.attachLines(self.orderRows(where: condition, order: "o.seq", limit: 100, sql: sql), sql: sql)
    }

    static func orderRows(where condition: SQLQueryString, order: String, limit: Int, sql: any SQLDatabase) async throws -> [OrderRow] {
        let statement: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) FROM orders o WHERE " + condition
            + " ORDER BY \(unsafeRaw: order) LIMIT \(literal: limit)"
        return try await sql.raw(statement).all().map { row in
            let currency = try row.decode(column: "currency", as: String.self)
            func money(_ column: String) throws -> Money {
                Money(amount: try row.decode(column: column, as: Int.self), currency: currency)
            }
            let address = try JSONCoding.decoder.decode(ShippingAddress.self, from: Data(try row.decode(column: "shipping_address", as: String.self).utf8))
            let order = Order(
                id: try row.decode(column: "id", as: String.self),
                userId: try row.decode(column: "user_id", as: String.self),
                status: OrderStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .pending,
                step: SagaStep(rawValue: try row.decode(column: "step", as: String.self)) ?? .compensate,
                failureCode: try row.decode(column: "failure_code", as: String?.self),
                items: [],
                subtotal: try money("subtotal"),
                shipping: try money("shipping"),
                tax: try money("tax"),
                total: try money("total"),
                shippingAddress: address,
                paymentId: try row.decode(column: "payment_id", as: String?.self),
                paymentStatus: try row.decode(column: "payment_status", as: String?.self),
                cardBrand: try row.decode(column: "card_brand", as: String.self),
                cardLast4: try row.decode(column: "card_last4", as: String.self),
                createdAt: Timestamp.date(micros: try row.decode(column: "created_at", as: Int.self)),
                updatedAt: Timestamp.date(micros: try row.decode(column: "updated_at", as: Int.self))
            )
            return OrderRow(seq: try row.decode(column: "seq", as: Int.self), order: order)
        }
    }

    static func attachLines(_ rows: [OrderRow], sql: any SQLDatabase) async throws -> [Order] {
        guard !rows.isEmpty else { return [] }
        var items: [String: [OrderItem]] = [:]
        let lines = try await sql.raw(
            """
            SELECT l.order_id, l.sku, l.product_id, l.name, l.unit_price, l.quantity, o.currency
            FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE l.order_id IN (\(binds: rows.map(\.order.id))) ORDER BY l.order_id, l.position
            """
        ).all()
        for line in lines {
            let currency = try line.decode(column: "currency", as: String.self)
            let unit = try line.decode(column: "unit_price", as: Int.self)
            let quantity = try line.decode(column: "quantity", as: Int.self)
            let item = OrderItem(
                sku: try line.decode(column: "sku", as: String.self),
                productId: try line.decode(column: "product_id", as: String.self),
                name: try line.decode(column: "name", as: String.self),
                unitPrice: Money(amount: unit, currency: currency),
                quantity: quantity,
                lineTotal: Money(amount: unit * quantity, currency: currency)
            )
            items[try line.decode(column: "order_id", as: String.self), default: []].append(item)
        }
        return rows.map { row in
            var order = row.order
            order.items = items[order.id] ?? []
            return order
        }
    }
}
