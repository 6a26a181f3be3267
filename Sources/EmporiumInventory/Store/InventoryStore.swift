public import EmporiumClients
public import EmporiumCore
public import Foundation
import SQLKit

/// Stock and reservations over SQLKit: the same statements on SQLite and PostgreSQL.
///
/// Overselling is impossible by construction: stock is only ever taken by a single
/// conditional `UPDATE … WHERE on_hand - reserved >= quantity`, inside the reservation's
/// transaction; a line that does not match rolls the whole reservation back. PostgreSQL
/// re-checks the condition against the latest row version after waiting for a concurrent
/// writer, and SQLite has one writer at a time, so no interleaving gets past it.
public struct InventoryStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    struct Insufficient: Error {
        let skus: [String]
    }

    struct ReservationMissing: Error {
        let id: String
    }

    // MARK: Stock

    public func stock(skus: [String]) async throws -> [Stock] {
        guard !skus.isEmpty else { return [] }
        return try await self.database.read { sql in
            try await sql.raw("SELECT sku, on_hand, reserved FROM stock WHERE sku IN (\(binds: skus))").all().map(Self.stock(from:))
        }
    }

    /// Sets a SKU's on-hand count; nil (and nothing changed) when that is below what is
    /// currently reserved.
    public func setOnHand(sku: String, onHand: Int, now: Date) async throws -> Stock? {
        try await self.database.write { sql in
            try await sql.raw(
                """
                INSERT INTO stock (sku, on_hand, reserved, updated_at) VALUES (\(bind: sku), \(bind: onHand), 0, \(bind: Timestamp.micros(now)))
                ON CONFLICT (sku) DO UPDATE SET on_hand = excluded.on_hand, updated_at = excluded.updated_at
                WHERE stock.reserved <= excluded.on_hand
                RETURNING sku, on_hand, reserved
                """
            ).first().map(Self.stock(from:))
        }
    }

    /// Stock for SKUs that have none yet (the demo catalog); existing rows are left alone.
    public func seedIfEmpty(_ quantities: [(sku: String, onHand: Int)], now: Date) async throws -> Bool {
        try await self.database.write { sql in
            guard try await sql.raw("SELECT sku FROM stock LIMIT 1").first() == nil else { return false }
            let stamp = Timestamp.micros(now)
            for chunk in stride(from: 0, to: quantities.count, by: 200).map({ Array(quantities[$0..<min($0 + 200, quantities.count)]) }) {
                var insert = sql.insert(into: "stock").columns("sku", "on_hand", "reserved", "updated_at")
                for row in chunk {
                    insert = insert.values(SQLBind(row.sku), SQLBind(row.onHand), SQLBind(0), SQLBind(stamp))
                }
                try await insert.run()
            }
            return true
        }
    }

    // MARK: Reservations

    /// Reserves every line or none. Idempotent by `id`: a replay returns the reservation's
    /// current state (even when it was since committed, released or expired) and reserves
    /// nothing more.
    public func reserve(id: String, lines: [ReservationLine], expiresAt: Date, now: Date) async throws -> ReserveOutcome {
        let lines = ReservationLine.merged(lines)
        do {
            return try await self.database.write { sql in
                let stamp = Timestamp.micros(now)
                let expires = Timestamp.micros(expiresAt)
                // Claim the id first, in the same statement that checks it: a concurrent
                // reserve with the same id waits on it, then finds it taken; a replay finds it
                // taken at once and reserves nothing.
                let claimed = try await sql.raw(
                    """
                    INSERT INTO reservations (id, status, expires_at, created_at, updated_at)
                    VALUES (\(bind: id), 'reserved', \(bind: expires), \(bind: stamp), \(bind: stamp))
                    ON CONFLICT (id) DO NOTHING RETURNING id
                    """
                ).first()
                guard claimed != nil else {
                    guard let existing = try await Self.reservation(id, sql: sql) else {
                        throw ReservationMissing(id: id)  // the conflicting row exists; reservations are never deleted
                    }
                    return .existing(existing.state, expiresAtMicros: existing.expiresAt)
                }
                var insufficient: [String] = []
                for line in lines {
                    let taken = try await sql.raw(
                        """
                        UPDATE stock SET reserved = reserved + \(bind: line.quantity), updated_at = \(bind: stamp)
                        WHERE sku = \(bind: line.sku) AND on_hand - reserved >= \(bind: line.quantity)
                        RETURNING sku
                        """
                    ).first()
                    if taken == nil { insufficient.append(line.sku) }
                }
                guard insufficient.isEmpty else { throw Insufficient(skus: insufficient) }
                var insert = sql.insert(into: "reservation_lines").columns("reservation_id", "sku", "quantity")
                for line in lines {
                    insert = insert.values(SQLBind(id), SQLBind(line.sku), SQLBind(line.quantity))
                }
                try await insert.run()
                return .existing(.reserved, expiresAtMicros: expires)
            }
        } catch let error as Insufficient {
            return .insufficient(error.skus)
        }
    }

    /// Turns a reservation into a sale: on-hand and reserved drop together. Committing twice
    /// is a no-op; a released or expired reservation cannot be committed.
    public func commit(id: String, now: Date) async throws -> ReservationState {
        try await self.database.write { sql in
            let stamp = Timestamp.micros(now)
            let claimed = try await sql.raw(
                "UPDATE reservations SET status = 'committed', updated_at = \(bind: stamp) WHERE id = \(bind: id) AND status = 'reserved' RETURNING id"
            ).first()
            guard claimed != nil else {
                switch try await Self.reservation(id, sql: sql)?.state {
                case .none: throw InventoryError.unknown(id)
                case .committed: return .committed
                case .some(let state): throw InventoryError.alreadyIn(id, state)
                }
            }
            for line in try await Self.lines(of: id, sql: sql) {
                try await sql.raw(
                    """
                    UPDATE stock SET on_hand = on_hand - \(bind: line.quantity), reserved = reserved - \(bind: line.quantity), updated_at = \(bind: stamp)
                    WHERE sku = \(bind: line.sku)
                    """
                ).run()
            }
            return .committed
        }
    }

    /// Puts a committed reservation's units back on hand (its order was cancelled).
    /// Returning twice is a no-op; a reservation never committed cannot be returned.
    public func returnStock(id: String, now: Date) async throws -> ReservationState {
        try await self.database.write { sql in
            let stamp = Timestamp.micros(now)
            let claimed = try await sql.raw(
                "UPDATE reservations SET status = 'returned', updated_at = \(bind: stamp) WHERE id = \(bind: id) AND status = 'committed' RETURNING id"
            ).first()
            guard claimed != nil else {
                switch try await Self.reservation(id, sql: sql)?.state {
                case .none: throw InventoryError.unknown(id)
                case .returned: return .returned
                case .some(let state): throw InventoryError.alreadyIn(id, state)
                }
            }
            for line in try await Self.lines(of: id, sql: sql) {
                try await sql.raw(
                    "UPDATE stock SET on_hand = on_hand + \(bind: line.quantity), updated_at = \(bind: stamp) WHERE sku = \(bind: line.sku)"
                ).run()
            }
            return .returned
        }
    }

    /// Gives a reservation's stock back. Releasing twice is a no-op; releasing an id never
    /// reserved records it as released, so a late-arriving `Reserve` with that id (a
    /// retried call overtaken by its compensation) reserves nothing. A committed reservation
    /// cannot be released.
    public func release(id: String, now: Date) async throws -> ReservationState {
        try await self.finish(id: id, as: .released, now: now)
    }

    /// Releases reservations whose time ran out, oldest first, at most `limit` per call;
    /// returns how many were due. One that fails is reported to `onError` and skipped, so it
    /// cannot hold up the others.
    public func expireDue(now: Date, limit: Int = 100, onError: (String, any Error) -> Void = { _, _ in }) async throws -> Int {
        let due = try await self.database.read { sql in
            try await sql.raw(
                """
                SELECT id FROM reservations WHERE status = 'reserved' AND expires_at <= \(bind: Timestamp.micros(now))
                ORDER BY expires_at LIMIT \(bind: limit)
                """
            ).all().map { try $0.decode(column: "id", as: String.self) }
        }
        for id in due {
            do {
                _ = try await self.finish(id: id, as: .expired, now: now, recordUnknown: false)
            } catch InventoryError.alreadyIn, InventoryError.unknown {
                // Committed between the scan and the sweep: the sale won, nothing to expire.
            } catch {
                onError(id, error)
            }
        }
        return due.count
    }

    /// `reserved` → `state` (released or expired), stock returned, in one transaction; the
    /// conditional status update makes a concurrent commit, release or sweep a no-op here.
    private func finish(id: String, as state: ReservationState, now: Date, recordUnknown: Bool = true) async throws -> ReservationState {
        // Only the tombstone insert can collide (with a concurrent reserve); once is enough.
        let canRetry = recordUnknown
        do {
            return try await self.database.write { sql in
                let stamp = Timestamp.micros(now)
                let claimed = try await sql.raw(
                    "UPDATE reservations SET status = \(bind: state.rawValue), updated_at = \(bind: stamp) WHERE id = \(bind: id) AND status = 'reserved' RETURNING id"
                ).first()
                guard claimed != nil else {
                    switch try await Self.reservation(id, sql: sql)?.state {
                    case .none:
                        guard recordUnknown else { throw InventoryError.unknown(id) }
                        try await sql.raw(
                            """
                            INSERT INTO reservations (id, status, expires_at, created_at, updated_at)
                            VALUES (\(bind: id), \(bind: state.rawValue), \(bind: stamp), \(bind: stamp), \(bind: stamp))
                            """
                        ).run()
                        return state
                    case .committed: throw InventoryError.alreadyIn(id, .committed)
                    case .some(let current): return current
                    }
                }
                for line in try await Self.lines(of: id, sql: sql) {
                    try await sql.raw(
                        """
                        UPDATE stock SET reserved = reserved - \(bind: line.quantity), updated_at = \(bind: stamp)
                        WHERE sku = \(bind: line.sku)
                        """
                    ).run()
                }
                return state
            }
        } catch where canRetry && DatabaseErrors.isUniqueViolation(error) {
            // A concurrent reserve claimed the id first: release what it reserved.
            return try await self.finish(id: id, as: state, now: now, recordUnknown: false)
        }
    }

    /// A reservation's state and expiry, for replays and tests.
    public func reservationState(id: String) async throws -> ReservationState? {
        try await self.database.read { sql in try await Self.reservation(id, sql: sql)?.state }
    }

    // MARK: Rows

    static func reservation(_ id: String, sql: any SQLDatabase) async throws -> (state: ReservationState, expiresAt: Int)? {
        guard let row = try await sql.raw("SELECT status, expires_at FROM reservations WHERE id = \(bind: id)").first() else {
            return nil
        }
        let status = try row.decode(column: "status", as: String.self)
        return (ReservationState(rawValue: status) ?? .released, try row.decode(column: "expires_at", as: Int.self))
    }

    /// A reservation's lines in the order every writer locks stock rows: Swift's `<` on the
    /// SKU, as `ReservationLine.merged` sorts them (not `ORDER BY sku`, whose order follows
    /// the database's collation and could differ, letting two transactions deadlock).
    static func lines(of id: String, sql: any SQLDatabase) async throws -> [ReservationLine] {
        try await sql.raw("SELECT sku, quantity FROM reservation_lines WHERE reservation_id = \(bind: id)").all().map { row in
            ReservationLine(sku: try row.decode(column: "sku", as: String.self), quantity: try row.decode(column: "quantity", as: Int.self))
        }.sorted { $0.sku < $1.sku }
    }

    static func stock(from row: any SQLRow) throws -> Stock {
        Stock(
            sku: try row.decode(column: "sku", as: String.self),
            onHand: try row.decode(column: "on_hand", as: Int.self),
            reserved: try row.decode(column: "reserved", as: Int.self)
        )
    }
}
