import EmporiumClients
@testable import EmporiumInventory
import EmporiumDemo
import EmporiumCatalog
import EmporiumCore
import EmporiumTesting
import Foundation
import Logging
import Testing

/// Reservations against real SQLite and real PostgreSQL: no interleaving oversells, every
/// call is idempotent by reservation id, expired reservations give their stock back.
@Suite struct InventoryStoreTests {
    static func withStore(_ kind: TestDatabaseKind, _ body: @Sendable (InventoryStore) async throws -> Void) async throws {
        _ = try await TestDatabase.with(kind) { database in
            try await Migrator.migrate(database, service: "inventory", migrations: InventoryMigrations.all, logger: Logger(label: "test"))
            try await body(InventoryStore(database: database))
        }
    }

    static let later = Date().addingTimeInterval(600)

    static func stock(_ store: InventoryStore, _ sku: String) async throws -> Stock {
        try await store.stock(skus: [sku]).first ?? Stock(sku: sku, onHand: 0, reserved: 0)
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func fiftyBuyersForTheLastFiveUnits(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind) { store in
            _ = try await store.setOnHand(sku: "LAST", onHand: 5, now: Date())
            let outcomes = try await withThrowingTaskGroup(of: ReserveOutcome.self) { group in
                for buyer in 0..<50 {
                    group.addTask {
                        try await store.reserve(id: "order-\(buyer)", lines: [ReservationLine(sku: "LAST", quantity: 1)], expiresAt: Self.later, now: Date())
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let reserved = outcomes.filter { if case .existing(.reserved, _) = $0 { true } else { false } }
            #expect(reserved.count == 5)
            #expect(outcomes.filter { $0 == .insufficient(["LAST"]) }.count == 45)
            let stock = try await Self.stock(store, "LAST")
            #expect(stock.onHand == 5 && stock.reserved == 5 && stock.available == 0)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func concurrentMultiLineReservationsNeverOversell(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind) { store in
            let skus = ["A", "B", "C"]
            for sku in skus { _ = try await store.setOnHand(sku: sku, onHand: 7, now: Date()) }
            // Lines in different orders, some sharing SKUs: all-or-nothing, no deadlock.
            let outcomes = try await withThrowingTaskGroup(of: (Int, ReserveOutcome).self) { group in
                for buyer in 0..<40 {
                    let lines = [ReservationLine(sku: skus[buyer % 3], quantity: 2), ReservationLine(sku: skus[(buyer + 2) % 3], quantity: 1)]
                    group.addTask {
                        (buyer, try await store.reserve(id: "multi-\(buyer)", lines: buyer % 2 == 0 ? lines : lines.reversed(), expiresAt: Self.later, now: Date()))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            var expected: [String: Int] = [:]
            for (buyer, outcome) in outcomes {
                if case .existing(.reserved, _) = outcome {
                    expected[skus[buyer % 3], default: 0] += 2
                    expected[skus[(buyer + 2) % 3], default: 0] += 1
                }
            }
            for sku in skus {
                let stock = try await Self.stock(store, sku)
                #expect(stock.reserved == (expected[sku] ?? 0))
                #expect(stock.reserved <= stock.onHand)
            }
            #expect(outcomes.contains { if case .insufficient = $0.1 { true } else { false } })
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func allOrNothing(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind) { store in
            _ = try await store.setOnHand(sku: "PLENTY", onHand: 100, now: Date())
            _ = try await store.setOnHand(sku: "FEW", onHand: 1, now: Date())
            let outcome = try await store.reserve(
                id: "r1",
                lines: [ReservationLine(sku: "PLENTY", quantity: 3), ReservationLine(sku: "FEW", quantity: 2), ReservationLine(sku: "NONE", quantity: 1)],
                expiresAt: Self.later,
                now: Date()
            )
            #expect(outcome == .insufficient(["FEW", "NONE"]))
            #expect(try await Self.stock(store, "PLENTY").reserved == 0)
            #expect(try await store.reservationState(id: "r1") == nil)
            // The same id may try again once there is stock.
            let merged = try await store.reserve(
                id: "r1",
                lines: [ReservationLine(sku: "PLENTY", quantity: 1), ReservationLine(sku: "PLENTY", quantity: 2)],
                expiresAt: Self.later,
                now: Date()
            )
            guard case .existing(.reserved, _) = merged else { Issue.record("\(merged)"); return }
            #expect(try await Self.stock(store, "PLENTY").reserved == 3)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func replaysChangeNothing(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind) { store in
            _ = try await store.setOnHand(sku: "MUG", onHand: 10, now: Date())
            let lines = [ReservationLine(sku: "MUG", quantity: 4)]
            let first = try await store.reserve(id: "ord-1", lines: lines, expiresAt: Self.later, now: Date())
            let again = try await store.reserve(id: "ord-1", lines: lines, expiresAt: Self.later, now: Date())
            #expect(first == again)
            #expect(try await Self.stock(store, "MUG").reserved == 4)

            #expect(try await store.commit(id: "ord-1", now: Date()) == .committed)
            #expect(try await store.commit(id: "ord-1", now: Date()) == .committed)
            var stock = try await Self.stock(store, "MUG")
            #expect(stock.onHand == 6 && stock.reserved == 0)
            // A sale cannot be released; a reserve replay reports it and takes nothing.
            await #expect(throws: InventoryError.alreadyIn("ord-1", .committed)) { try await store.release(id: "ord-1", now: Date()) }
            guard case .existing(.committed, _) = try await store.reserve(id: "ord-1", lines: lines, expiresAt: Self.later, now: Date()) else {
                Issue.record("replayed reserve after commit")
                return
            }

            _ = try await store.reserve(id: "ord-2", lines: lines, expiresAt: Self.later, now: Date())
            #expect(try await store.release(id: "ord-2", now: Date()) == .released)
            #expect(try await store.release(id: "ord-2", now: Date()) == .released)
            await #expect(throws: InventoryError.alreadyIn("ord-2", .released)) { try await store.commit(id: "ord-2", now: Date()) }
            stock = try await Self.stock(store, "MUG")
            #expect(stock.onHand == 6 && stock.reserved == 0)
            await #expect(throws: InventoryError.unknown("never")) { try await store.commit(id: "never", now: Date()) }
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func releaseBeforeReserveWins(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind) { store in
            _ = try await store.setOnHand(sku: "MUG", onHand: 10, now: Date())
            // A compensation that overtakes its (retried) reserve: the reserve must not take stock.
            #expect(try await store.release(id: "late", now: Date()) == .released)
            let outcome = try await store.reserve(id: "late", lines: [ReservationLine(sku: "MUG", quantity: 1)], expiresAt: Self.later, now: Date())
            guard case .existing(.released, _) = outcome else { Issue.record("\(outcome)"); return }
            #expect(try await Self.stock(store, "MUG").reserved == 0)
        }
    }

    /// A move that lost its race (the reservation is not there yet, or already moved on)
    /// is an answer, not a failure; anything else still fails the test.
    static func racing(_ move: () async throws -> Void) async throws {
        do {
            try await move()
        } catch is InventoryError {}
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func concurrentReplaysOfOneReservation(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind) { store in
            _ = try await store.setOnHand(sku: "MUG", onHand: 10, now: Date())
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        _ = try await store.reserve(id: "same", lines: [ReservationLine(sku: "MUG", quantity: 3)], expiresAt: Self.later, now: Date())
                    }
                    group.addTask { try await Self.racing { _ = try await store.commit(id: "same", now: Date()) } }
                }
                try await group.waitForAll()
            }
            let stock = try await Self.stock(store, "MUG")
            #expect(stock.reserved + (10 - stock.onHand) == 3)
            #expect(stock.onHand == 10 || stock.onHand == 7)
        }
    }

    /// Reservations over SKUs whose byte order and collation order differ, racing their own
    /// commits and releases and the sweeper: afterwards every SKU's counts match exactly what
    /// the reservations' final states say, whatever the interleaving (and nothing deadlocked).
    @Test(arguments: TestDatabaseKind.allCases)
    func reservationsRacingCommitsReleasesAndExpiry(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind) { store in
            let skus = ["b-1", "C-1", "a.2", "B_3"]
            for sku in skus { _ = try await store.setOnHand(sku: sku, onHand: 20, now: Date()) }
            func lines(_ i: Int) -> [ReservationLine] {
                [ReservationLine(sku: skus[i % 4], quantity: 1 + i % 3), ReservationLine(sku: skus[(i + 1) % 4], quantity: 1)]
            }
            let past = Date().addingTimeInterval(-1)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        _ = try await store.reserve(id: "race-\(i)", lines: lines(i), expiresAt: i % 5 == 0 ? past : Self.later, now: Date())
                    }
                    group.addTask {
                        switch i % 3 {
                        case 0: try await Self.racing { _ = try await store.commit(id: "race-\(i)", now: Date()) }
                        case 1: try await Self.racing { _ = try await store.release(id: "race-\(i)", now: Date()) }
                        default: break
                        }
                    }
                    if i % 8 == 0 {
                        group.addTask { _ = try await store.expireDue(now: Date()) }
                    }
                }
                try await group.waitForAll()
            }
            var reserved: [String: Int] = [:]
            var sold: [String: Int] = [:]
            for i in 0..<40 {
                for line in lines(i) {
                    switch try await store.reservationState(id: "race-\(i)") {
                    case .reserved: reserved[line.sku, default: 0] += line.quantity
                    case .committed: sold[line.sku, default: 0] += line.quantity
                    default: break
                    }
                }
            }
            for sku in skus {
                let stock = try await Self.stock(store, sku)
                #expect(stock.reserved == reserved[sku, default: 0], "\(sku)")
                #expect(stock.onHand == 20 - sold[sku, default: 0], "\(sku)")
                #expect(stock.reserved <= stock.onHand)
            }
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func expiredReservationsGiveStockBack(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind) { store in
            _ = try await store.setOnHand(sku: "MUG", onHand: 3, now: Date())
            let now = Date()
            _ = try await store.reserve(id: "old", lines: [ReservationLine(sku: "MUG", quantity: 2)], expiresAt: now.addingTimeInterval(-1), now: now)
            _ = try await store.reserve(id: "fresh", lines: [ReservationLine(sku: "MUG", quantity: 1)], expiresAt: Self.later, now: now)
            #expect(try await Self.stock(store, "MUG").available == 0)
            #expect(try await store.expireDue(now: Date()) == 1)
            #expect(try await store.expireDue(now: Date()) == 0)
            #expect(try await store.reservationState(id: "old") == .expired)
            #expect(try await store.reservationState(id: "fresh") == .reserved)
            let stock = try await Self.stock(store, "MUG")
            #expect(stock.reserved == 1 && stock.available == 2)
            await #expect(throws: InventoryError.alreadyIn("old", .expired)) { try await store.commit(id: "old", now: Date()) }
            #expect(try await store.release(id: "old", now: Date()) == .expired)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func onHandCannotGoBelowReserved(_ kind: TestDatabaseKind) async throws {
        try await Self.withStore(kind) { store in
            _ = try await store.setOnHand(sku: "MUG", onHand: 5, now: Date())
            _ = try await store.reserve(id: "r", lines: [ReservationLine(sku: "MUG", quantity: 4)], expiresAt: Self.later, now: Date())
            #expect(try await store.setOnHand(sku: "MUG", onHand: 3, now: Date()) == nil)
            #expect(try await store.setOnHand(sku: "MUG", onHand: 4, now: Date()) == Stock(sku: "MUG", onHand: 4, reserved: 4))
        }
    }

    /// API.md: the demo seed puts every SKU in stock (sold-out cases set their own stock).
    @Test func demoStockIsDeterministicAndEverySKUInStock() {
        let quantities = (0..<1000).map { DemoStock.quantity(for: "SKU-\($0)") }
        #expect(quantities == (0..<1000).map { DemoStock.quantity(for: "SKU-\($0)") })
        #expect(quantities.allSatisfy { (10...199).contains($0) })
        #expect(Set(quantities).count > 100)
        let seeded = DemoCatalog.skus
        #expect(seeded.count >= 200)
        #expect(seeded.filter { DemoStock.quantity(for: $0) <= 0 } == [])
    }
}
