import EmporiumCore
@testable import EmporiumOrders
import EmporiumTesting
import Foundation
import Logging
import SQLKit
import Testing

/// The order's writes on the real databases (on PostgreSQL each is one statement, order,
/// lines and outbox row together): a new order is stored whole with its `order.created`
/// event, a second one under the same key writes nothing, a status change writes its event
/// with the move, and a move that lost the race writes neither.
@Suite struct OrdersStoreWritesTests {
    static func order(id: String, now: Date) -> Order {
        let usd = { (amount: Int) in Money(amount: amount, currency: "USD") }
        return Order(
            id: id, userId: "usr-writes", status: .pending, step: .reserve, failureCode: nil,
            items: [
                OrderItem(sku: "MUG-1", productId: "prd-1", name: "Mug", unitPrice: usd(1250), quantity: 2, lineTotal: usd(2500)),
                OrderItem(sku: "CAP-1", productId: "prd-2", name: "Cap \"red\" ✓", unitPrice: usd(999), quantity: 1, lineTotal: usd(999)),
            ],
            subtotal: usd(3499), shipping: usd(0), tax: usd(0), total: usd(3499),
            shippingAddress: ShippingAddress(name: "Ada", line1: "1 Loop", line2: nil, city: "Lund", postalCode: "22100", country: "SE"),
            paymentId: nil, paymentStatus: nil, cardBrand: "visa", cardLast4: "4242", createdAt: now, updatedAt: now
        )
    }

    static func events(_ database: any Database, of orderId: String) async throws -> [(type: String, payload: String)] {
        try await database.read { sql in
            try await sql.raw("SELECT type, payload FROM order_outbox WHERE order_id = \(bind: orderId) ORDER BY seq").all().map {
                (try $0.decode(column: "type", as: String.self), try $0.decode(column: "payload", as: String.self))
            }
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func createAndMoveWriteTheirEventsOnce(_ kind: TestDatabaseKind) async throws {
        _ = try await TestDatabase.with(kind) { database in
            try await Migrator.migrate(database, service: "orders", migrations: OrdersMigrations.all, logger: Logger(label: "test"))
            let store = OrdersStore(database: database)
            let now = Date(timeIntervalSince1970: 1_800_000_000.25)
            let order = Self.order(id: "ord-writes", now: now)
            let lease = now.addingTimeInterval(30)

            #expect(try await store.create(order, idempotencyKey: "key-1", leaseUntil: lease))
            #expect(try await store.order(id: order.id) == order)
            var events = try await Self.events(database, of: order.id)
            #expect(events.map(\.type) == ["order.created"])
            let payload = try JSONSerialization.jsonObject(with: Data((events.first?.payload ?? "").utf8)) as? [String: Any]
            #expect(payload?["orderId"] as? String == order.id)
            #expect((payload?["lines"] as? [[String: Any]])?.compactMap { $0["sku"] as? String } == ["MUG-1", "CAP-1"])

            // The same key again: nothing written (another id, so a second order would show).
            #expect(try await !store.create(Self.order(id: "ord-writes-2", now: now), idempotencyKey: "key-1", leaseUntil: lease))
            #expect(try await store.order(id: "ord-writes-2") == nil)
            #expect(try await Self.events(database, of: "ord-writes-2").isEmpty)
            #expect(try await store.order(userId: order.userId, idempotencyKey: "key-1") == order)

            // A step without a status change writes no event; a status change writes one.
            let authorizing = try #require(try await store.advance(order, to: .authorize, leaseUntil: lease, now: now))
            #expect(try await Self.events(database, of: order.id).count == 1)
            var paid = OrdersStore.Changes()
            paid.status = .paid
            paid.paymentId = "pay-1"
            let done = try #require(try await store.advance(authorizing, to: .done, paid, leaseUntil: lease, now: now.addingTimeInterval(1)))
            #expect(done.status == .paid && done.paymentId == "pay-1")
            #expect(try await store.order(id: order.id) == done)
            events = try await Self.events(database, of: order.id)
            #expect(events.map(\.type) == ["order.created", "order.paid"])

            // The same move again (a slower process, or recovery, lost the race): nothing.
            #expect(try await store.advance(authorizing, to: .done, paid, leaseUntil: lease, now: now.addingTimeInterval(2)) == nil)
            #expect(try await Self.events(database, of: order.id).count == 2)
            #expect(try await store.order(id: order.id) == done)
        }
    }
}
