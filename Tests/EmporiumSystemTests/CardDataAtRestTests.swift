import EmporiumCore
import EmporiumTesting
import Foundation
import Logging
import Metrics
import SQLKit
import Testing

/// Card data never leaves the request: after checkouts with approved, declined and failing
/// cards on the real binary in embedded mode, no SQLite file of any service (identity,
/// catalog, inventory, cart, orders, payments) holds a card number, its CVC, or a digit
/// run that is a card's number, in any table (idempotency keys and outboxes included).
@Suite struct CardDataAtRestTests {
    @Test func noServiceDatabaseHoldsCardData() async throws {
        let cards = ["5555555555554444", "4000000000000002", "4000000000000119", "4242424242424242"]
        let cvc = "917"
        let dataDir = CheckoutCrashTests.dataDir()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let shop = try await CheckoutCrashTests.Shop.start(dataDir: dataDir)
        try await shop.product(sku: "PAN-1", stock: 20)
        for (index, number) in cards.enumerated() {
            let token = try await shop.customer("pan\(index)@example.com")
            #expect(try await shop.call("POST", "/api/v1/cart/items", token: token, body: ["sku": "PAN-1", "quantity": 1]).status == 200)
            var body = Orders.checkoutBody(card: number)
            body["payment"] = ["card": ["number": number, "expMonth": 12, "expYear": Calendar.current.component(.year, from: Date()) + 3, "cvc": cvc]]
            let reply = try await shop.call("POST", "/api/v1/orders", token: token, key: "pan-\(index)", body: body)
            #expect([201, 402].contains(reply.status), "\(number): \(reply.status) \(reply.text)")
        }
        try await Task.sleep(for: .milliseconds(500))
        await shop.stop()

        let files = try FileManager.default.contentsOfDirectory(atPath: dataDir).filter { $0.hasSuffix(".sqlite") }.sorted()
        #expect(Set(files).isSuperset(of: ["identity.sqlite", "catalog.sqlite", "inventory.sqlite", "cart.sqlite", "orders.sqlite", "payments.sqlite"]), "\(files)")
        var tables: [String] = []
        for file in files {
            for (table, text) in try await Self.everyText(path: dataDir + "/" + file) {
                tables.append("\(file):\(table)")
                let found = try CardDataScan.findings(in: text, cards: cards, cvc: cvc)
                #expect(found.isEmpty, "\(file) \(table) holds \(found)")
            }
        }
        for table in ["orders.sqlite:idempotency_keys", "orders.sqlite:order_outbox", "orders.sqlite:orders", "payments.sqlite:payments", "cart.sqlite:cart_lines"] {
            #expect(tables.contains(table), "\(table) was not read: \(tables)")
        }
    }

    /// Every text value of every table of the SQLite file at `path`, joined per table.
    static func everyText(path: String) async throws -> [String: String] {
        let database = try await SQLiteDatabase.open(path: path, readers: 1, name: "inspect", metrics: NOOPMetricsHandler.instance, logger: Logger(label: "test"))
        let texts = try await CardDataScan.everyText(database)
        try await database.close()
        return texts
    }
}
