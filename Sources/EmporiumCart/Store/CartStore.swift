public import EmporiumCore
public import Foundation
import SQLKit

/// Cart lines over SQLKit, on SQLite and PostgreSQL. Each change is one statement, so
/// concurrent requests of one user cannot lose an update or push a line past 99; adds of
/// new lines to one cart take turns, so they cannot push it past 100 lines.
public struct CartStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func lines(userId: String) async throws -> [CartLine] {
        try await self.database.read { sql in
            try await sql.raw("SELECT sku, quantity FROM cart_lines WHERE user_id = \(bind: userId) ORDER BY seq").all().map { row in
                CartLine(sku: try row.decode(column: "sku", as: String.self), quantity: try row.decode(column: "quantity", as: Int.self))
            }
        }
    }

    public enum AddOutcome: Sendable, Equatable {
        case added
        /// The line would pass `CartRules.maxLineQuantity`; nothing changed.
        case overLimit
        /// The cart already has `CartRules.maxLines` other lines; nothing changed.
        case tooManyLines
    }

    /// Adds `quantity` to the SKU's line (a new line if there is none).
    public func add(userId: String, sku: String, quantity: Int, now: Date) async throws -> AddOutcome {
        let kind = self.database.kind
        return try await self.database.write { sql in
            if kind == .postgres {
                // Count and insert under a per-cart lock held to commit: otherwise two adds
                // could each count 99 lines under READ COMMITTED and both insert. (SQLite
                // runs one write transaction at a time already.) The lock is on a hash of
                // the user id: a collision only makes two carts take turns.
                try await sql.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(Self.cartLockClass)), hashtext(\(bind: userId)))").run()
                // Then one statement counts and inserts: its snapshot is taken after the
                // lock is held, so it counts every line an earlier add committed.
                let row = try await sql.raw(
                    """
                    WITH counted AS (SELECT COUNT(*) AS n FROM cart_lines WHERE user_id = \(bind: userId) AND sku <> \(bind: sku)), added AS (
                        INSERT INTO cart_lines (user_id, sku, quantity, updated_at)
                        SELECT \(bind: userId), \(bind: sku), \(bind: quantity), \(bind: Timestamp.micros(now)) FROM counted
                        WHERE counted.n < \(unsafeRaw: String(CartRules.maxLines))
                        ON CONFLICT (user_id, sku) DO UPDATE SET quantity = cart_lines.quantity + excluded.quantity, updated_at = excluded.updated_at
                        WHERE cart_lines.quantity + excluded.quantity <= \(unsafeRaw: String(CartRules.maxLineQuantity))
                        RETURNING quantity
                    )
                    SELECT counted.n AS lines, (SELECT COUNT(*) FROM added) AS added FROM counted
                    """
                ).first()
                if try row?.decode(column: "added", as: Int.self) == 1 { return .added }
                return try (row?.decode(column: "lines", as: Int.self) ?? 0) >= CartRules.maxLines ? .tooManyLines : .overLimit
            }
            let lineCount = try await sql.raw("SELECT COUNT(*) AS n FROM cart_lines WHERE user_id = \(bind: userId) AND sku <> \(bind: sku)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            guard lineCount < CartRules.maxLines else { return .tooManyLines }
            let row = try await sql.raw(
                """
                INSERT INTO cart_lines (user_id, sku, quantity, updated_at) VALUES (\(bind: userId), \(bind: sku), \(bind: quantity), \(bind: Timestamp.micros(now)))
                ON CONFLICT (user_id, sku) DO UPDATE SET quantity = cart_lines.quantity + excluded.quantity, updated_at = excluded.updated_at
                WHERE cart_lines.quantity + excluded.quantity <= \(unsafeRaw: String(CartRules.maxLineQuantity))
                RETURNING quantity
                """
            ).first()
            return row == nil ? .overLimit : .added
        }
    }

    /// The advisory-lock class of cart adds (the migrator's lock is 4242001, a one-key lock).
    static let cartLockClass: Int32 = 4242002

    /// Sets a line's quantity (0 removes it); false when the SKU is not in the cart.
    public func setQuantity(userId: String, sku: String, quantity: Int, now: Date) async throws -> Bool {
        if quantity == 0 {
            return try await self.remove(userId: userId, sku: sku)
        }
        return try await self.database.write { sql in
            try await sql.raw(
                """
                UPDATE cart_lines SET quantity = \(bind: quantity), updated_at = \(bind: Timestamp.micros(now))
                WHERE user_id = \(bind: userId) AND sku = \(bind: sku) RETURNING sku
                """
            ).first() != nil
        }
    }

    /// Removes a line; false when the SKU is not in the cart.
    public func remove(userId: String, sku: String) async throws -> Bool {
        try await self.database.write { sql in
            try await sql.raw("DELETE FROM cart_lines WHERE user_id = \(bind: userId) AND sku = \(bind: sku) RETURNING sku").first() != nil
        }
    }

    /// Takes what order `orderId` bought out of the user's cart — each line's ordered units,
    /// the line gone when none are left — exactly once per order. Returns false for an
    /// order already taken out.
    public func removeOrdered(userId: String, orderId: String, lines: [CartLine], now: Date) async throws -> Bool {
        if self.database.kind == .postgres, !lines.isEmpty {
            return try await self.removeOrderedSetBased(userId: userId, orderId: orderId, lines: lines, now: now)
        }
        return try await self.database.write { sql in
            let first = try await sql.raw(
                """
                INSERT INTO cart_checkouts (order_id, user_id, created_at) VALUES (\(bind: orderId), \(bind: userId), \(bind: Timestamp.micros(now)))
                ON CONFLICT (order_id) DO NOTHING RETURNING order_id
                """
            ).first()
            guard first != nil else { return false }
            for line in lines {
                try await sql.raw(
                    "DELETE FROM cart_lines WHERE user_id = \(bind: userId) AND sku = \(bind: line.sku) AND quantity <= \(bind: line.quantity)"
                ).run()
                try await sql.raw(
                    """
                    UPDATE cart_lines SET quantity = quantity - \(bind: line.quantity), updated_at = \(bind: Timestamp.micros(now))
                    WHERE user_id = \(bind: userId) AND sku = \(bind: line.sku)
                    """
                ).run()
            }
            return true
        }
    }

    /// `removeOrdered` on PostgreSQL in two statements whatever the number of lines: the
    /// claim with the removal of the lines the order uses up, then what is left of the
    /// others. Two statements, in this order, as the per-line loop has: the second takes a
    /// fresh snapshot, so a line an edit changed meanwhile (the first skipped it when it
    /// found it changed) is taken at its new quantity.
    private func removeOrderedSetBased(userId: String, orderId: String, lines: [CartLine], now: Date) async throws -> Bool {
        var ordered: [String: Int] = [:]
        for line in lines { ordered[line.sku, default: 0] += line.quantity }
        let values = ordered.sorted { $0.key < $1.key }.map { sku, quantity -> SQLQueryString in "(\(bind: sku), \(bind: quantity))" }
            .joined(separator: ", ")
        let stamp = Timestamp.micros(now)
        return try await self.database.write { sql in
            let claimed = try await sql.raw(
                """
                WITH claimed AS (
                    INSERT INTO cart_checkouts (order_id, user_id, created_at) VALUES (\(bind: orderId), \(bind: userId), \(bind: stamp))
                    ON CONFLICT (order_id) DO NOTHING RETURNING order_id
                ), gone AS (
                    DELETE FROM cart_lines USING (VALUES \(values)) AS ordered (sku, quantity), claimed
                    WHERE cart_lines.user_id = \(bind: userId) AND cart_lines.sku = ordered.sku AND cart_lines.quantity <= ordered.quantity
                )
                SELECT COUNT(*) AS n FROM claimed
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
            guard claimed > 0 else { return false }
            // The rest: lines holding more than the order used lose its units, and a line an
            // edit lowered meanwhile to at most that goes (the two conditions never meet on
            // one row of one snapshot).
            try await sql.raw(
                """
                WITH kept AS (
                    UPDATE cart_lines SET quantity = cart_lines.quantity - ordered.quantity, updated_at = \(bind: stamp)
                    FROM (VALUES \(values)) AS ordered (sku, quantity)
                    WHERE cart_lines.user_id = \(bind: userId) AND cart_lines.sku = ordered.sku AND cart_lines.quantity > ordered.quantity
                )
                DELETE FROM cart_lines USING (VALUES \(values)) AS ordered (sku, quantity)
                WHERE cart_lines.user_id = \(bind: userId) AND cart_lines.sku = ordered.sku AND cart_lines.quantity <= ordered.quantity
                """
            ).run()
            return true
        }
    }

    public func clear(userId: String) async throws {
        try await self.database.write { sql in
            try await sql.raw("DELETE FROM cart_lines WHERE user_id = \(bind: userId)").run()
        }
    }
}
