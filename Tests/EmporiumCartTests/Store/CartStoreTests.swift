import EmporiumCore
@testable import EmporiumCart
import EmporiumTesting
import Foundation
import Logging
import Testing

/// The cart's writes on the real databases (on PostgreSQL an add counts and inserts in one
/// statement, and an order's lines leave the cart in two statements however many there are).
@Suite struct CartStoreTests {
    static func lines(_ store: CartStore, _ user: String) async throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try await store.lines(userId: user).map { ($0.sku, $0.quantity) })
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func addsAndAnOrdersLinesLeavingTheCart(_ kind: TestDatabaseKind) async throws {
        _ = try await TestDatabase.with(kind) { database in
            try await Migrator.migrate(database, service: "cart", migrations: CartMigrations.all, logger: Logger(label: "test"))
            let store = CartStore(database: database)
            let now = Date()
            #expect(try await store.add(userId: "u", sku: "A", quantity: 3, now: now) == .added)
            #expect(try await store.add(userId: "u", sku: "A", quantity: 2, now: now) == .added)
            #expect(try await store.add(userId: "u", sku: "A", quantity: 95, now: now) == .overLimit)
            #expect(try await store.add(userId: "u", sku: "B", quantity: 1, now: now) == .added)
            #expect(try await store.add(userId: "u", sku: "C", quantity: 2, now: now) == .added)
            #expect(try await store.add(userId: "u", sku: "D", quantity: 7, now: now) == .added)
            #expect(try await Self.lines(store, "u") == ["A": 5, "B": 1, "C": 2, "D": 7])

            // Units taken from some lines, others gone; a SKU named twice counts twice; a
            // line the order does not name, and another user's cart, stay as they are.
            #expect(try await store.add(userId: "other", sku: "A", quantity: 1, now: now) == .added)
            let order = [CartLine(sku: "A", quantity: 1), CartLine(sku: "B", quantity: 1), CartLine(sku: "C", quantity: 1), CartLine(sku: "C", quantity: 1)]
            #expect(try await store.removeOrdered(userId: "u", orderId: "ord-1", lines: order, now: now))
            #expect(try await Self.lines(store, "u") == ["A": 4, "D": 7])
            #expect(try await Self.lines(store, "other") == ["A": 1])
            // The same order again: nothing more leaves.
            #expect(try await !store.removeOrdered(userId: "u", orderId: "ord-1", lines: order, now: now))
            #expect(try await Self.lines(store, "u") == ["A": 4, "D": 7])
            // More units than the line holds: the line goes.
            #expect(try await store.removeOrdered(userId: "u", orderId: "ord-2", lines: [CartLine(sku: "D", quantity: 9)], now: now))
            #expect(try await Self.lines(store, "u") == ["A": 4])

            // The 100-line cap: the 101st distinct SKU is refused; an existing line still grows.
            for index in 1..<CartRules.maxLines {
                #expect(try await store.add(userId: "u", sku: "L-\(index)", quantity: 1, now: now) == .added)
            }
            #expect(try await store.add(userId: "u", sku: "L-extra", quantity: 1, now: now) == .tooManyLines)
            #expect(try await store.add(userId: "u", sku: "A", quantity: 1, now: now) == .added)
            #expect(try await Self.lines(store, "u").count == CartRules.maxLines)
        }
    }
}
