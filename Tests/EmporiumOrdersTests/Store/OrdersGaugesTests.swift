import EmporiumCore
@testable import EmporiumOrders
import EmporiumTesting
import Foundation
import Logging
import SQLKit
import Testing

/// The saga and outbox gauges on the real databases: unfinished orders by step, the ones
/// whose lease ran out (stuck), the oldest one's age, and the outbox backlog's size and age.
@Suite struct OrdersGaugesTests {
    static func insertOrder(_ database: any Database, id: String, step: SagaStep, createdAt: Date, leaseUntil: Date) async throws {
        let status = step == .done ? "paid" : "pending"
        try await database.write { sql in
            try await sql.raw(
                """
                INSERT INTO orders (id, user_id, status, step, subtotal, shipping, tax, total, currency, shipping_address,
                    card_brand, card_last4, lease_until, created_at, updated_at)
                VALUES (\(bind: id), 'usr-gauge', \(bind: status), \(bind: step.rawValue), 100, 0, 0, 100, 'USD', '{}', 'visa', '4242',
                    \(bind: Timestamp.micros(leaseUntil)), \(bind: Timestamp.micros(createdAt)), \(bind: Timestamp.micros(createdAt)))
                """
            ).run()
        }
    }

    static func insertEvent(_ database: any Database, order: String, createdAt: Date, delivered: Bool = false, parked: Bool = false) async throws {
        let stamp = Timestamp.micros(createdAt)
        try await database.write { sql in
            try await sql.raw(
                """
                INSERT INTO order_outbox (order_id, type, payload, created_at, delivered_at, parked_at)
                VALUES (\(bind: order), 'order.paid', '{}', \(bind: stamp), \(bind: delivered ? stamp : nil), \(bind: parked ? stamp : nil))
                """
            ).run()
        }
    }

    static func value(_ readings: [GaugeReading], _ label: String, step: String? = nil) -> Double? {
        readings.first { $0.label == label && $0.dimensions["step"] == step }?.value
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func sagaAndOutboxGauges(_ kind: TestDatabaseKind) async throws {
        _ = try await TestDatabase.with(kind) { database in
            try await Migrator.migrate(database, service: "orders", migrations: OrdersMigrations.all, logger: Logger(label: "test"))
            let store = OrdersStore(database: database)
            let now = Date()

            let empty = try await store.gauges(now: now)
            // Every unfinished step has a series from the start, at zero.
            #expect(empty.filter { $0.label == "orders_saga_in_flight" }.count == SagaStep.allCases.count - 1)
            #expect(empty.allSatisfy { $0.value == 0 })

            let lease = now.addingTimeInterval(30)
            try await Self.insertOrder(database, id: "o-reserving", step: .reserve, createdAt: now.addingTimeInterval(-2), leaseUntil: lease)
            try await Self.insertOrder(database, id: "o-authorizing", step: .authorize, createdAt: now.addingTimeInterval(-1), leaseUntil: lease)
            // Abandoned 90 s ago, lease long gone: stuck until recovery takes it.
            try await Self.insertOrder(database, id: "o-stuck", step: .authorize, createdAt: now.addingTimeInterval(-90), leaseUntil: now.addingTimeInterval(-60))
            try await Self.insertOrder(database, id: "o-paid", step: .done, createdAt: now.addingTimeInterval(-500), leaseUntil: now.addingTimeInterval(-400))
            try await Self.insertEvent(database, order: "o-paid", createdAt: now.addingTimeInterval(-500), delivered: true)
            try await Self.insertEvent(database, order: "o-parked", createdAt: now.addingTimeInterval(-400), parked: true)
            try await Self.insertEvent(database, order: "o-a", createdAt: now.addingTimeInterval(-12))
            try await Self.insertEvent(database, order: "o-b", createdAt: now.addingTimeInterval(-3))

            // Given up a moment ago by a checkout whose call failed: recovery retries it on
            // its next pass, so it is not stuck (yet).
            try await Self.insertOrder(database, id: "o-released", step: .compensate, createdAt: now.addingTimeInterval(-5), leaseUntil: now.addingTimeInterval(-2))

            let readings = try await store.gauges(now: now, stuckAfter: 15)
            #expect(Self.value(readings, "orders_saga_in_flight", step: "reserve") == 1)
            #expect(Self.value(readings, "orders_saga_in_flight", step: "authorize") == 2)
            #expect(Self.value(readings, "orders_saga_in_flight", step: "capture") == 0)
            #expect(Self.value(readings, "orders_saga_in_flight", step: "compensate") == 1)
            #expect(Self.value(readings, "orders_saga_stalled") == 1)
            #expect(abs((Self.value(readings, "orders_saga_oldest_in_flight_seconds") ?? 0) - 90) < 0.01)
            // Delivered and parked events are not lag (parked ones are counted apart).
            #expect(Self.value(readings, "orders_outbox_pending") == 2)
            #expect(abs((Self.value(readings, "orders_outbox_oldest_pending_seconds") ?? 0) - 12) < 0.01)
        }
    }
}
