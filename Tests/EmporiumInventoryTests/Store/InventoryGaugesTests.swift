import EmporiumClients
import EmporiumCore
@testable import EmporiumInventory
import EmporiumTesting
import Foundation
import Testing

/// `inventory_reservations_held` and `_overdue` count what holds stock now on the real
/// databases: committed and released reservations drop out, an expired one still held is
/// overdue until the sweep releases it.
@Suite struct InventoryGaugesTests {
    static func value(_ readings: [GaugeReading], _ label: String) -> Double? {
        readings.first { $0.label == label }?.value
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func heldAndOverdueReservations(_ kind: TestDatabaseKind) async throws {
        try await InventoryStoreTests.withStore(kind) { store in
            let now = Date()
            _ = try await store.setOnHand(sku: "GAUGE", onHand: 10, now: now)
            let line = [ReservationLine(sku: "GAUGE", quantity: 1)]
            for id in ["live-1", "live-2", "committed"] {
                _ = try await store.reserve(id: id, lines: line, expiresAt: now.addingTimeInterval(600), now: now)
            }
            _ = try await store.reserve(id: "lapsed", lines: line, expiresAt: now.addingTimeInterval(-5), now: now.addingTimeInterval(-60))
            _ = try await store.commit(id: "committed", now: now)

            let before = try await store.gauges(now: now)
            #expect(Self.value(before, "inventory_reservations_held") == 3)
            #expect(Self.value(before, "inventory_reservations_overdue") == 1)

            #expect(try await store.expireDue(now: now) == 1)
            let after = try await store.gauges(now: now)
            #expect(Self.value(after, "inventory_reservations_held") == 2)
            #expect(Self.value(after, "inventory_reservations_overdue") == 0)
        }
    }
}
