import EmporiumCore
import Foundation
import SQLKit

extension InventoryStore {
    /// Reservations holding stock now, and those held past their expiry that the sweep
    /// should already have released (a rising count means the sweep is not keeping up or
    /// not running).
    func gauges(now: Date) async throws -> [GaugeReading] {
        try await self.database.read { sql in
            let row = try await sql.raw(
                """
                SELECT COUNT(*) AS held,
                    SUM(CASE WHEN expires_at <= \(bind: Timestamp.micros(now)) THEN 1 ELSE 0 END) AS overdue
                FROM reservations WHERE status = 'reserved'
                """
            ).first()
            return [
                GaugeReading("inventory_reservations_held", Double(try row?.decode(column: "held", as: Int.self) ?? 0)),
                GaugeReading("inventory_reservations_overdue", Double(try row?.decode(column: "overdue", as: Int?.self) ?? 0)),
            ]
        }
    }
}
