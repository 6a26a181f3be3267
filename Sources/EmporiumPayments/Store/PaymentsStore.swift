public import EmporiumCore
public import Foundation
import SQLKit

/// Payments, their events and the ledger over SQLKit (SQLite and PostgreSQL). Every
/// transition is one conditional update of the payment's status plus its event and ledger
/// entries, in one transaction: a replay or a race finds the status already moved and
/// changes nothing.
public struct PaymentsStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// Records a new payment for `orderId` (authorized, or failed with a decline code); if
    /// the order already has one, returns that one instead.
    public func record(orderId: String, amount: Money, card: PaymentCard, declineCode: String?, now: Date) async throws -> Payment {
        let id = Identifier.make(prefix: "pay")
        let status: PaymentStatus = declineCode == nil ? .authorized : .failed
        let stamp = Timestamp.micros(now)
        return try await self.database.write { sql in
            let inserted = try await sql.raw(
                """
                INSERT INTO payments (id, order_id, status, amount, currency, brand, last4, decline_code, created_at, updated_at)
                VALUES (\(bind: id), \(bind: orderId), \(bind: status.rawValue), \(bind: amount.amount), \(bind: amount.currency),
                    \(bind: card.brand.rawValue), \(bind: card.last4), \(bind: declineCode), \(bind: stamp), \(bind: stamp))
                ON CONFLICT (order_id) DO NOTHING RETURNING id
                """
            ).first()
            if inserted != nil {
                try await Self.event(id, status.rawValue, amount.amount, stamp, sql: sql)
            }
            guard let payment = try await Self.payment(where: "order_id", orderId, sql: sql) else {
                throw PaymentMissing()
            }
            return payment
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
        let id = Identifier.make(prefix: "pay")
        let stamp = Timestamp.micros(now)
        let placed = try await self.database.write { sql in
            let inserted = try await sql.raw(
                """
                INSERT INTO payments (id, order_id, status, amount, currency, brand, last4, decline_code, created_at, updated_at)
                VALUES (\(bind: id), \(bind: orderId), 'voided', 0, 'XXX', 'unknown', '', NULL, \(bind: stamp), \(bind: stamp))
                ON CONFLICT (order_id) DO NOTHING RETURNING id
                """
            ).first()
            if inserted != nil {
                try await Self.event(id, PaymentStatus.voided.rawValue, 0, stamp, sql: sql)
            }
            return try await Self.payment(where: "order_id", orderId, sql: sql)
        }
        guard let placed else { throw PaymentsError.unknown(orderId) }
        if placed.id == id { return placed }
        return try await self.void(id: placed.id, now: now)
    }

    /// captured → refunded: entries that reverse the capture.
    public func refund(id: String, now: Date) async throws -> Payment {
        try await self.transition(id: id, from: .captured, to: .refunded, now: now)
    }

    private func transition(id: String, from: PaymentStatus, to: PaymentStatus, now: Date) async throws -> Payment {
        try await self.database.write { sql in
            let stamp = Timestamp.micros(now)
            let moved = try await sql.raw(
                """
                UPDATE payments SET status = \(bind: to.rawValue), updated_at = \(bind: stamp)
                WHERE id = \(bind: id) AND status = \(bind: from.rawValue) RETURNING amount, currency
                """
            ).first()
            if let moved {
                let amount = try moved.decode(column: "amount", as: Int.self)
                let currency = try moved.decode(column: "currency", as: String.self)
                try await Self.event(id, to.rawValue, amount, stamp, sql: sql)
                try await Ledger.post(paymentId: id, movedTo: to, amount: amount, currency: currency, stamp: stamp, sql: sql)
            }
            guard let payment = try await Self.payment(where: "id", id, sql: sql) else { throw PaymentsError.unknown(id) }
            if moved != nil || payment.status == to { return payment }
            throw PaymentsError.alreadyIn(id, payment.status)
        }
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
        let currency = try row.decode(column: "currency", as: String.self)
        let events = try await sql.raw("SELECT type, amount, created_at FROM payment_events WHERE payment_id = \(bind: id) ORDER BY seq").all().map { event in
            PaymentEvent(
                type: try event.decode(column: "type", as: String.self),
                amount: Money(amount: try event.decode(column: "amount", as: Int.self), currency: currency),
                at: Timestamp.date(micros: try event.decode(column: "created_at", as: Int.self))
            )
        }
        return Payment(
            id: id,
            orderId: try row.decode(column: "order_id", as: String.self),
            status: PaymentStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed,
            amount: Money(amount: try row.decode(column: "amount", as: Int.self), currency: currency),
            brand: try row.decode(column: "brand", as: String.self),
            last4: try row.decode(column: "last4", as: String.self),
            declineCode: try row.decode(column: "decline_code", as: String?.self),
            events: events
        )
    }
}
