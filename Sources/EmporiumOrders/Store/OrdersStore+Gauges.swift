import EmporiumCore
import Foundation
import SQLKit

extension OrdersStore {
    /// What `/metrics` says is in flight now: unfinished sagas by next step, those whose
    /// lease ran out more than `stuckAfter` ago without recovery taking them (stuck), the
    /// oldest one's age, and the outbox backlog (lag). A checkout stopped by a failed call
    /// gives its lease up at once, and recovery claims it again on its next pass (and gives
    /// it up again while the peer is down), so only a lease lapsed for several passes means
    /// nobody is trying. Every step is reported, zero included, so a series exists before
    /// anything goes wrong. Both scans use the partial indexes of unfinished rows.
    func gauges(now: Date, stuckAfter: TimeInterval = 0) async throws -> [GaugeReading] {
        let nowMicros = Timestamp.micros(now)
        let stuckBefore = Timestamp.micros(now.addingTimeInterval(-stuckAfter))
        return try await self.database.read { sql in
            var inFlight = [String: Int]()
            var stalled = 0
            var oldest: Int?
            for row in try await sql.raw(
                """
                SELECT step, COUNT(*) AS orders, MIN(created_at) AS oldest,
                    SUM(CASE WHEN lease_until < \(bind: stuckBefore) THEN 1 ELSE 0 END) AS stalled
                FROM orders WHERE step <> \(bind: SagaStep.done.rawValue) GROUP BY step
                """
            ).all() {
                let step = try row.decode(column: "step", as: String.self)
                inFlight[step] = try row.decode(column: "orders", as: Int.self)
                stalled += try row.decode(column: "stalled", as: Int?.self) ?? 0
                let started = try row.decode(column: "oldest", as: Int.self)
                oldest = min(oldest ?? started, started)
            }
            let outbox = try await sql.raw(
                """
                SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM order_outbox
                WHERE delivered_at IS NULL AND parked_at IS NULL
                """
            ).first()
            let pending = try outbox?.decode(column: "pending", as: Int.self) ?? 0
            let oldestPending = try outbox?.decode(column: "oldest", as: Int?.self)
            func age(_ micros: Int?) -> Double { micros.map { max(0, Double(nowMicros - $0) / 1_000_000) } ?? 0 }

            var readings = SagaStep.allCases.filter { $0 != .done }.map { step in
                GaugeReading("orders_saga_in_flight", Double(inFlight[step.rawValue] ?? 0), ["step": step.rawValue])
            }
            readings += [
                GaugeReading("orders_saga_stalled", Double(stalled)),
                GaugeReading("orders_saga_oldest_in_flight_seconds", age(oldest)),
                GaugeReading("orders_outbox_pending", Double(pending)),
                GaugeReading("orders_outbox_oldest_pending_seconds", age(oldestPending)),
            ]
            return readings
        }
    }
}
