public import EmporiumCore
public import Foundation
import SQLKit

/// Payments, their events and the ledger over SQLKit (SQLite and PostgreSQL). Every
/// transition is one conditional update of the payment's status plus its event and ledger
/// entries, in one transaction (on PostgreSQL, one statement): a replay or a race finds the
/// status already moved and changes nothing.
public struct PaymentsStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// Records a new payment for `orderId` (authorized, or failed with a decline code); if
    /// the order already has one, returns that one instead.
    public func record(orderId: String, amount: Money, card: PaymentCard, declineCode: String?, now: Date) async throws -> Payment {
        let status: PaymentStatus = declineCode == nil ? .authorized : .failed
        let stamp = Timestamp.micros(now)
        let payment = Payment(
            id: Identifier.make(prefix: "pay"), orderId: orderId, status: status, amount: amount, brand: card.brand.rawValue, last4: card.last4,
            declineCode: declineCode, events: [PaymentEvent(type: status.rawValue, amount: amount, at: Timestamp.date(micros: stamp))]
        )
        if try await self.insert(payment, stamp: stamp) { return payment }
        guard let existing = try await self.payment(orderId: orderId) else { throw PaymentMissing() }
        return existing
    }

    /// Inserts `payment` with its first event unless its order already has a payment; true
    /// when it did. On PostgreSQL one statement does both (atomic by itself, so without
    /// BEGIN/COMMIT); on SQLite, one transaction. A replay after a failure that in fact
    /// committed finds the order's payment and inserts nothing.
    private func insert(_ payment: Payment, stamp: Int) async throws -> Bool {
        let insertPayment: SQLQueryString = """
            INSERT INTO payments (id, order_id, status, amount, currency, brand, last4, decline_code, created_at, updated_at)
            VALUES (\(bind: payment.id), \(bind: payment.orderId), \(bind: payment.status.rawValue), \(bind: payment.amount.amount),
                \(bind: payment.amount.currency), \(bind: payment.brand), \(bind: payment.last4), \(bind: payment.declineCode),
                \(bind: stamp), \(bind: stamp))
            ON CONFLICT (order_id) DO NOTHING RETURNING id
            """
        if self.database.kind == .postgres {
            return try await self.database.writeStatement { sql in
                try await sql.raw(
                    """
                    WITH payment AS (\(insertPayment))
                    INSERT INTO payment_events (payment_id, type, amount, created_at)
                    SELECT id, \(bind: payment.status.rawValue), \(bind: payment.amount.amount), \(bind: stamp) FROM payment
                    RETURNING payment_id
                    """
                ).first() != nil
            }
        }
        return try await self.database.write { sql in
            guard try await sql.raw(insertPayment).first() != nil else { return false }
            try await Self.event(payment.id, payment.status.rawValue, payment.amount.amount, stamp, sql: sql)
            return true
        }
    }

    public func payment(id: String) async throws -> Payment? {
        try await self.database.read { sql in try await Self.payment(where: "id", id, sql: sql) }
    }

    public func payment(orderId: String) async throws -> Payment? {
        try await self.database.read { sql in try await Self.payment(where: "order_id", orderId, sql: sql) }
    }

    /// authorized → captured: the money moves, so the ledger gets its entries.
    public func capture(id: String, now: Date) async throws -> Payment {
        try await self.transition(id: id, from: .authorized, to: .captured, now: now)
    }

    /// authorized → voided: the hold is dropped; nothing was captured, so no entries.
    public func void(id: String, now: Date) async throws -> Payment {
        try await self.transition(id: id, from: .authorized, to: .voided, now: now)
    }

    /// Voids the order's payment; an order without one gets a voided placeholder (amount 0,
    /// currency XXX, no card), so an Authorize for it still in flight — a retried call
    /// overtaken by checkout's compensation — finds a payment and holds nothing.
    public func void(orderId: String, now: Date) async throws -> Payment {
        let stamp = Timestamp.micros(now)
        let nothing = Money(amount: 0, currency: "XXX")
        let placeholder = Payment(
            id: Identifier.make(prefix: "pay"), orderId: orderId, status: .voided, amount: nothing, brand: "unknown", last4: "",
            declineCode: nil, events: [PaymentEvent(type: PaymentStatus.voided.rawValue, amount: nothing, at: Timestamp.date(micros: stamp))]
        )
        if try await self.insert(placeholder, stamp: stamp) { return placeholder }
        guard let placed = try await self.payment(orderId: orderId) else { throw PaymentsError.unknown(orderId) }
        return try await self.void(id: placed.id, now: now)
    }

    /// captured → refunded: entries that reverse the capture.
    public func refund(id: String, now: Date) async throws -> Payment {
        try await self.transition(id: id, from: .captured, to: .refunded, now: now)
    }

    /// Moves the payment from `from` to `to`; a replay (already in `to`) returns it as it is.
    private func transition(id: String, from: PaymentStatus, to: PaymentStatus, now: Date) async throws -> Payment {
        let stamp = Timestamp.micros(now)
        let moved = try await self.database.kind == .postgres
            ? self.moveInOneStatement(id: id, from: from, to: to, stamp: stamp)
            : self.move(id: id, from: from, to: to, stamp: stamp)
        if let moved { return moved }
        guard let payment = try await self.payment(id: id) else { throw PaymentsError.unknown(id) }
        if payment.status == to { return payment }
        throw PaymentsError.alreadyIn(id, payment.status)
    }

    /// The conditional update, its event and ledger entries in one transaction; the payment
    /// as it now is, or nil when it was not in `from`.
    private func move(id: String, from: PaymentStatus, to: PaymentStatus, stamp: Int) async throws -> Payment? {
        try await self.database.write { sql in
            guard let moved = try await sql.raw(
                """
                UPDATE payments SET status = \(bind: to.rawValue), updated_at = \(bind: stamp)
                WHERE id = \(bind: id) AND status = \(bind: from.rawValue)
                RETURNING order_id, amount, currency, brand, last4, decline_code
                """
            ).first() else { return nil }
            let amount = try moved.decode(column: "amount", as: Int.self)
            let currency = try moved.decode(column: "currency", as: String.self)
            try await Self.event(id, to.rawValue, amount, stamp, sql: sql)
            try await Ledger.post(paymentId: id, movedTo: to, amount: amount, currency: currency, stamp: stamp, sql: sql)
            return try Self.payment(id: id, status: to, row: moved, events: try await Self.events(of: id, currency: currency, sql: sql))
        }
    }

    /// `move` as one PostgreSQL statement (atomic by itself: no BEGIN/COMMIT): the update,
    /// the event and the ledger entries as data-modifying CTEs, and the events the payment
    /// had before. Those CTEs' rows are invisible to the statement's own SELECT, so the new
    /// event is appended here, with the values it was inserted with.
    private func moveInOneStatement(id: String, from: PaymentStatus, to: PaymentStatus, stamp: Int) async throws -> Payment? {
        let entries = Ledger.insertEntries(paymentId: id, movedTo: to, from: "moved", stamp: stamp).map { (insert: SQLQueryString) -> SQLQueryString in
            ", entries AS (\(insert))"
        }
        let rows = try await self.database.writeStatement { sql in
            try await sql.raw(
                """
                WITH moved AS (
                    UPDATE payments SET status = \(bind: to.rawValue), updated_at = \(bind: stamp)
                    WHERE id = \(bind: id) AND status = \(bind: from.rawValue)
                    RETURNING id, order_id, amount, currency, brand, last4, decline_code
                ), event AS (
                    INSERT INTO payment_events (payment_id, type, amount, created_at)
                    SELECT id, \(bind: to.rawValue), amount, \(bind: stamp) FROM moved
                )\(entries ?? "")
                SELECT moved.order_id, moved.amount, moved.currency, moved.brand, moved.last4, moved.decline_code,
                    earlier.type AS event_type, earlier.amount AS event_amount, earlier.created_at AS event_at
                FROM moved LEFT JOIN payment_events earlier ON earlier.payment_id = moved.id
                ORDER BY earlier.seq
                """
            ).all()
        }
        guard let first = rows.first else { return nil }
        let amount = try first.decode(column: "amount", as: Int.self)
        let currency = try first.decode(column: "currency", as: String.self)
        var events = try rows.compactMap { row -> PaymentEvent? in
            guard let type = try row.decode(column: "event_type", as: String?.self) else { return nil }
            return PaymentEvent(
                type: type,
                amount: Money(amount: try row.decode(column: "event_amount", as: Int.self), currency: currency),
                at: Timestamp.date(micros: try row.decode(column: "event_at", as: Int.self))
            )
        }
        events.append(PaymentEvent(type: to.rawValue, amount: Money(amount: amount, currency: currency), at: Timestamp.date(micros: stamp)))
        return try Self.payment(id: id, status: to, row: first, events: events)
    }

    /// The sum of every ledger entry (zero when the books balance) and the transactions
    /// whose own entries do not sum to zero (none when each balances).
    public func ledgerCheck() async throws -> (total: Int, unbalancedTransactions: [String]) {
        try await self.database.read { sql in try await Ledger.check(sql: sql) }
    }

    /// An account's balance (debits positive).
    public func balance(account: String) async throws -> Int {
        try await self.database.read { sql in try await Ledger.balance(account: account, sql: sql) }
    }

    struct PaymentMissing: Error {}

    static func event(_ paymentId: String, _ type: String, _ amount: Int, _ stamp: Int, sql: any SQLDatabase) async throws {
        try await sql.raw(
            "INSERT INTO payment_events (payment_id, type, amount, created_at) VALUES (\(bind: paymentId), \(bind: type), \(bind: amount), \(bind: stamp))"
        ).run()
    }

    static func payment(where column: String, _ value: String, sql: any SQLDatabase) async throws -> Payment? {
        guard let row = try await sql.raw(
            """
            SELECT id, order_id, status, amount, currency, brand, last4, decline_code FROM payments
            WHERE \(unsafeRaw: column == "id" ? "id" : "order_id") = \(bind: value)
            """
        ).first() else { return nil }
        let id = try row.decode(column: "id", as: String.self)
        let status = PaymentStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed
        let events = try await Self.events(of: id, currency: try row.decode(column: "currency", as: String.self), sql: sql)
        return try Self.payment(id: id, status: status, row: row, events: events)
    }

    static func events(of paymentId: String, currency: String, sql: any SQLDatabase) async throws -> [PaymentEvent] {
        try await sql.raw("SELECT type, amount, created_at FROM payment_events WHERE payment_id = \(bind: paymentId) ORDER BY seq").all().map { event in
            PaymentEvent(
                type: try event.decode(column: "type", as: String.self),
                amount: Money(amount: try event.decode(column: "amount", as: Int.self), currency: currency),
                at: Timestamp.date(micros: try event.decode(column: "created_at", as: Int.self))
            )
        }
    }

    /// A payment from a row holding its order_id, amount, currency, brand, last4 and
    /// decline_code.
    static func payment(id: String, status: PaymentStatus, row: any SQLRow, events: [PaymentEvent]) throws -> Payment {
        Payment(
            id: id,
            orderId: try row.decode(column: "order_id", as: String.self),
            status: status,
            amount: Money(amount: try row.decode(column: "amount", as: Int.self), currency: try row.decode(column: "currency", as: String.self)),
            brand: try row.decode(column: "brand", as: String.self),
            last4: try row.decode(column: "last4", as: String.self),
            declineCode: try row.decode(column: "decline_code", as: String?.self),
            events: events
        )
    }
}
