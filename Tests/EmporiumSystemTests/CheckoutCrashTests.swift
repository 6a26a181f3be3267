import EmporiumCore
import EmporiumTesting
import Foundation
import Logging
import Metrics
import SQLKit
import Testing

/// The real `emporium` binary killed in the middle of checkouts — at every saga step via
/// the fault switch (SIGKILL from inside, like `kill -9`), and from outside at a random
/// moment under load — then restarted on the same data. Whatever the moment, recovery
/// ends every order `paid` with exactly one captured payment and committed stock, or
/// `failed` with nothing captured and every unit back: nothing lost, nothing doubled.
@Suite struct CheckoutCrashTests {
    /// A shop on `dataDir` with an admin, recovery tuned for tests, and `fault` if any.
    final class Shop: Sendable {
        let server: ServerProcess
        let adminToken: String

        /// How long a checkout's Idempotency-Key claim holds in these tests (60 s in
        /// production): short, so a retry after the crash gets past it and reaches the saga.
        static let idempotencyLease: Duration = .milliseconds(1000)

        static func start(dataDir: String, fault: String? = nil) async throws -> Shop {
            var environment = [
                "EMPORIUM_ADMIN_EMAIL": "root@example.com", "EMPORIUM_ADMIN_PASSWORD": "root-password",
                "EMPORIUM_BCRYPT_COST": "4", "EMPORIUM_TEST_MODE": "1", "EMPORIUM_REGISTER_ADDRESS_LIMIT": "1000000", "EMPORIUM_SAGA_LEASE_MS": "500", "EMPORIUM_SAGA_RECOVERY_MS": "200",
                "EMPORIUM_IDEMPOTENCY_LEASE_MS": "1000",
            ]
            environment["EMPORIUM_FAULT"] = fault
            let server = try ServerProcess(arguments: ["--data-dir", dataDir, "--seed-demo", "false"], environment: environment)
            try await server.waitUntilReady()
            let login = try await LiveAPI.call("POST", server.baseURL + "/api/v1/auth/login", body: ["email": "root@example.com", "password": "root-password"])
            return Shop(server: server, adminToken: (try? login.decode(API.Session.self))?.accessToken ?? "")
        }

        init(server: ServerProcess, adminToken: String) {
            self.server = server
            self.adminToken = adminToken
        }

        func call(_ method: String, _ path: String, token: String? = nil, key: String? = nil, body: Any? = nil) async throws -> LiveReply {
            try await LiveAPI.call(method, self.server.baseURL + path, token: token, key: key, body: body)
        }

        func customer(_ email: String) async throws -> String {
            let registered = try await self.call("POST", "/api/v1/auth/register", body: ["email": email, "password": "password-\(email)", "name": "Buyer"])
            if let session = try? registered.decode(API.Session.self) { return session.accessToken }
            let login = try await self.call("POST", "/api/v1/auth/login", body: ["email": email, "password": "password-\(email)"])
            return (try? login.decode(API.Session.self))?.accessToken ?? ""
        }

        /// A product with one SKU at `amount` and `stock` units.
        func product(sku: String, stock: Int, amount: Int = 1500) async throws {
            let product = try await LiveAPI.createProduct(
                self.server.baseURL, token: self.adminToken, sku: sku, amount: amount, name: "Product \(sku)", variantName: "One", categorySlug: "c-\(sku.lowercased())"
            )
            #expect(product.status == 201)
            #expect(try await self.call("PUT", "/api/v1/inventory/\(sku)", token: self.adminToken, body: ["onHand": stock]).status == 200)
        }

        func stock(_ sku: String) async throws -> (onHand: Int, reserved: Int) {
            let reply = try await self.call("GET", "/api/v1/inventory/\(sku)")
            guard let stock = try? reply.decode(API.Stock.self) else { return (-1, -1) }
            return (stock.onHand, stock.reserved)
        }

        func orders(_ token: String) async throws -> [API.Order] {
            let reply = try await self.call("GET", "/api/v1/orders?limit=100", token: token)
            return try #require(try? reply.decode(API.Page<API.Order>.self), "GET /api/v1/orders: \(reply.status) \(reply.text)").items
        }

        func payments(orderId: String) async throws -> [String] {
            let reply = try await self.call("GET", "/api/v1/payments?orderId=\(orderId)", token: self.adminToken)
            return (try? reply.decode(API.Page<API.Payment>.self))?.items.map(\.status) ?? []
        }

        func stop() async {
            _ = await self.server.stop()
        }

        /// A counter's value on `/metrics` (summed over its labels); 0 when unset.
        func counter(_ name: String) async throws -> Double {
            let (_, _, body) = try await HTTP.request("GET", self.server.baseURL + "/metrics", body: nil)
            return String(decoding: body, as: UTF8.self).split(separator: "\n")
                .filter { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }
                .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
                .reduce(0, +)
        }
    }

    /// Orders in `dataDir` whose saga had not finished (read from the file while no process
    /// runs on it): what recovery must finish after a restart.
    static func unfinishedOrders(dataDir: String) async throws -> Int {
        let database = try await SQLiteDatabase.open(
            path: dataDir + "/orders.sqlite", readers: 1, name: "orders-inspect", metrics: NOOPMetricsHandler.instance, logger: Logger(label: "test")
        )
        let count = try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM orders WHERE step <> 'done'").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        try await database.close()
        return count
    }

    static func dataDir() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("emporium-crash-\(UUID().uuidString)").path
    }

    /// Waits until every order of the user is paid or failed (recovery runs in the
    /// background) and its side effects have settled; returns the orders.
    static func settled(_ shop: Shop, token: String, timeout: Duration = .seconds(20)) async throws -> [API.Order] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let orders = try await shop.orders(token)
            if orders.allSatisfy({ ["paid", "failed"].contains($0.status) }) || ContinuousClock.now > deadline {
                return orders
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test(arguments: [
        ("after-create", "4242424242424242"), ("after-reserve", "4242424242424242"), ("after-authorize", "4242424242424242"),
        ("after-commit", "4242424242424242"), ("after-capture", "4242424242424242"), ("after-paid", "4242424242424242"),
        ("after-void", "4000000000000002"),
    ])
    func crashAtEveryStep(point: String, card: String) async throws {
        let dataDir = Self.dataDir()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let first = try await Shop.start(dataDir: dataDir, fault: "orders.\(point):crash")
        try await first.product(sku: "CRASH-1", stock: 10)
        let token = try await first.customer("buyer@example.com")
        #expect(try await first.call("POST", "/api/v1/cart/items", token: token, body: ["sku": "CRASH-1", "quantity": 2]).status == 200)
        // The process dies mid-request: the client sees the connection drop.
        let sent = ContinuousClock.now
        let reply = try? await first.call("POST", "/api/v1/orders", token: token, key: "crash-key", body: Orders.checkoutBody(card: card))
        try await Task.sleep(for: .milliseconds(200))
        guard !first.server.process.isRunning else {
            await first.stop()
            Issue.record("\(point): the fault did not fire; checkout answered \(reply.map { "\($0.status) \($0.text)" } ?? "nothing")")
            return
        }
        #expect(first.server.process.terminationSignal == SIGKILL, "\(point): \(first.server.log)")

        let second = try await Shop.start(dataDir: dataDir)
        let orders = try await Self.settled(second, token: token)
        try #require(orders.count == 1, "\(point): \(orders)")
        let order = orders[0]
        let id = order.id
        let payments = try await second.payments(orderId: id)
        switch order.status {
        case "paid":
            #expect(["after-authorize", "after-commit", "after-capture", "after-paid"].contains(point), "\(point) ended paid")
            #expect(payments == ["captured"], "\(point)")
            #expect(order.payment.status == "captured")
            #expect(try await second.stock("CRASH-1") == (8, 0), "\(point)")
            // The outbox's order.paid reaches the cart even when the crash beat it there.
            var cart = -1
            for _ in 0..<50 {
                cart = (try? await second.call("GET", "/api/v1/cart", token: token).decode(API.Cart.self))?.itemCount ?? -1
                if cart == 0 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(cart == 0, "\(point)")
        case "failed":
            #expect(["after-create", "after-reserve", "after-void"].contains(point), "\(point) ended failed")
            #expect(payments == ["voided"] || payments == ["failed"], "\(point): \(payments)")
            #expect(try await second.stock("CRASH-1") == (10, 0), "\(point)")
            #expect(try await second.call("GET", "/api/v1/cart", token: token).decode(API.Cart.self).itemCount == 2)
        default:
            Issue.record("\(point): order never settled: \(order)\n\(second.server.log)")
        }
        // The client retries the same key and body once the crashed request's claim on the
        // key has lapsed, so the retry really reaches checkout (before, it only met the
        // claim: 409): it finds the order instead of charging again.
        try await Task.sleep(until: sent + Shop.idempotencyLease + .milliseconds(300))
        let retry = try await second.call("POST", "/api/v1/orders", token: token, key: "crash-key", body: Orders.checkoutBody(card: card))
        let after = try await second.orders(token)
        let captured = try await after.asyncFlatMap { try await second.payments(orderId: $0.id) }.filter { $0 == "captured" }
        switch (order.status, point) {
        case ("paid", _):
            // The same order, paid once.
            #expect(retry.status == 201 && (try? retry.decode(API.Order.self))?.id == id, "\(point): \(retry.status) \(retry.text)")
            #expect(after.count == 1 && captured.count == 1, "\(point): \(after.count) orders, \(captured.count) captured")
        case ("failed", "after-void"):
            // Declined: the decline again, for the same order.
            #expect(retry.status == 402 && (try? retry.decode(API.Problem.self))?.orderId == id, "\(point): \(retry.status) \(retry.text)")
            #expect(after.count == 1 && captured.isEmpty, "\(point)")
        default:
            // Failed for want of a service before any charge: the order freed its key, so
            // the retry is a new checkout, charged once; the failed order stays failed.
            #expect(retry.status == 201 && (try? retry.decode(API.Order.self))?.id != id, "\(point): \(retry.status) \(retry.text)")
            #expect(after.count == 2 && captured.count == 1, "\(point): \(after.count) orders, \(captured.count) captured")
            #expect(after.first { $0.id == id }?.status == "failed", "\(point)")
        }
        // A third attempt is a replay of the retry's answer, never another order.
        let replay = try await second.call("POST", "/api/v1/orders", token: token, key: "crash-key", body: Orders.checkoutBody(card: card))
        #expect(replay.status == retry.status, "\(point)")
        #expect(try await second.orders(token).count == after.count, "\(point)")
        await second.stop()
    }

    /// Puts `shop` under checkout load and SIGKILLs it once the orders file shows a checkout
    /// mid-saga; answers how many were mid-saga after the kill.
    static func killMidSaga(_ shop: Shop, shoppers: [String], dataDir: String) async throws -> Int {
        // The shoppers stop by themselves once the process is gone: cancelling a task that is
        // awaiting URLSession can deadlock swift-corelibs-foundation (URLSessionTask.cancel
        // syncs on the session's queue under the task's status lock), which hung a CI run.
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for token in shoppers {
                    group.addTask {
                        while shop.server.process.isRunning {
                            _ = try? await shop.call("POST", "/api/v1/cart/items", token: token, body: ["sku": "LOAD-1", "quantity": 1])
                            _ = try? await shop.call("POST", "/api/v1/orders", token: token, key: UUID().uuidString, body: Orders.checkoutBody())
                        }
                    }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(1500))
        // Read from the file as the process writes it.
        let busyBy = ContinuousClock.now + .seconds(20)
        while try await Self.unfinishedOrders(dataDir: dataDir) == 0 && ContinuousClock.now < busyBy {
            try await Task.sleep(for: .milliseconds(5))
        }
        kill(shop.server.process.processIdentifier, SIGKILL)
        while shop.server.process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        await load.value
        return try await Self.unfinishedOrders(dataDir: dataDir)
    }

    static let holdMidSaga = "orders.after-authorize:stall=150"

    @Test func killedUnderLoad() async throws {
        let dataDir = Self.dataDir()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        // Each checkout holds 150 ms after authorizing (well inside the 500 ms saga lease), so an order seen mid-saga is still
        // mid-saga when the kill lands: the shoppers and the poll below run on this test
        // process's cooperative pool, which the rest of the suite keeps busy, and without the
        // hold a checkout of a few milliseconds finished before a starved poll could kill
        // (three misses in a row in a full run). The other shoppers' checkouts are at other
        // steps at that moment; the crash tests above stop a saga at every step one by one.
        let first = try await Shop.start(dataDir: dataDir, fault: Self.holdMidSaga)
        try await first.product(sku: "LOAD-1", stock: 1000, amount: 700)
        var tokens: [String] = []
        for buyer in 0..<8 {
            tokens.append(try await first.customer("load\(buyer)@example.com"))
        }
        let shoppers = tokens
        // Eight shoppers check out again and again until the process is killed under them,
        // while checkouts are mid-saga, so that recovery has work to prove itself on. The
        // kill can land just after the order it saw pending finished; then the shop is
        // started again and killed again (at most three times).
        var shop = first
        var unfinished = 0
        for attempt in 1...3 {
            unfinished = try await Self.killMidSaga(shop, shoppers: shoppers, dataDir: dataDir)
            if unfinished > 0 || attempt == 3 { break }
            shop = try await Shop.start(dataDir: dataDir, fault: Self.holdMidSaga)
        }

        let second = try await Shop.start(dataDir: dataDir)
        var paidUnits = 0
        var total = 0
        for token in shoppers {
            for order in try await Self.settled(second, token: token) {
                total += 1
                let payments = try await second.payments(orderId: order.id)
                let units = order.items.reduce(0) { $0 + $1.quantity }
                switch order.status {
                case "paid":
                    #expect(payments == ["captured"], "\(order)")
                    paidUnits += units
                case "failed":
                    #expect(payments == ["voided"] || payments == ["failed"], "\(order) \(payments)")
                default:
                    Issue.record("unsettled order \(order)")
                }
            }
        }
        #expect(total > 0)
        // Recovery really ran: the kill left checkouts mid-saga, and recovery (nothing else
        // touches them: the shoppers stopped) finished each one.
        #expect(unfinished > 0, "the kill left no checkout mid-saga")
        // The counter moves once recovery's own work (the paid order's outbox) is done,
        // just after the order reads as settled: give it a moment.
        var recovered = try await second.counter("orders_saga_recovered_total")
        let countedBy = ContinuousClock.now + .seconds(15)
        while recovered < Double(unfinished) && ContinuousClock.now < countedBy {
            try await Task.sleep(for: .milliseconds(100))
            recovered = try await second.counter("orders_saga_recovered_total")
        }
        #expect(recovered == Double(unfinished), "\(unfinished) unfinished at the kill")
        // Every paid unit left stock exactly once; every other unit is back; nothing held.
        #expect(try await second.stock("LOAD-1") == (1000 - paidUnits, 0), "paid units \(paidUnits) of \(total) orders")
        await second.stop()
    }
}

/// The same crashes in serve mode: orders in its own process on PostgreSQL, killed at each
/// saga step while identity, catalog, inventory, cart and payments keep running; a new
/// orders process on the same database settles every order.
@Suite struct ServeModeCheckoutCrashTests {
    static func call(_ base: String, _ method: String, _ path: String, token: String? = nil, key: String? = nil, body: Any? = nil) async throws -> LiveReply {
        try await LiveAPI.call(method, base + path, token: token, key: key, body: body)
    }

    @Test func crashAtEveryStepOnPostgres() async throws {
        try PostgresHarness.skipUnlessAvailable()
        let identity = try await ServerProcess.serveIdentity(environment: ["EMPORIUM_REGISTER_ADDRESS_LIMIT": "1000000"])
        let grpc = (catalog: try FreePort.find(), inventory: try FreePort.find(), cart: try FreePort.find(), payments: try FreePort.find())
        func serve(_ service: String, _ port: Int) async throws -> ServerProcess {
            // Settings only some of the services read go in the environment, which every
            // service accepts; each `serve` subcommand takes only its own flags.
            try ServerProcess(
                arguments: [
                    "serve", service, "--database-url", try await PostgresHarness.makeDatabaseURL(),
                    "--identity-url", identity.baseURL, "--grpc-port", String(port),
                ],
                environment: ["EMPORIUM_SEED_DEMO": "false", "EMPORIUM_CATALOG_GRPC": "127.0.0.1:\(grpc.catalog)"]
            )
        }
        try await identity.waitUntilReady()
        let catalog = try await serve("catalog", grpc.catalog)
        let inventory = try await serve("inventory", grpc.inventory)
        let cart = try await serve("cart", grpc.cart)
        let payments = try await serve("payments", grpc.payments)
        let peers = [catalog, inventory, cart, payments]
        for process in peers { try await process.waitUntilReady() }
        defer { for process in peers + [identity] where process.process.isRunning { kill(process.process.processIdentifier, SIGTERM) } }

        let ordersURL = try await PostgresHarness.makeDatabaseURL()
        func orders(fault: String?) throws -> ServerProcess {
            var environment = ["EMPORIUM_SAGA_LEASE_MS": "500", "EMPORIUM_SAGA_RECOVERY_MS": "200", "EMPORIUM_TEST_MODE": "1"]
            environment["EMPORIUM_FAULT"] = fault
            return try ServerProcess(
                arguments: [
                    "serve", "orders", "--database-url", ordersURL, "--identity-url", identity.baseURL,
                    "--inventory-grpc", "127.0.0.1:\(grpc.inventory)", "--cart-grpc", "127.0.0.1:\(grpc.cart)",
                    "--payments-grpc", "127.0.0.1:\(grpc.payments)",
                    // orders serves gRPC too (for the storefront): a port of its own.
                    "--grpc-port", String(try FreePort.find()),
                ],
                environment: environment
            )
        }

        let adminToken = try await Self.call(identity.baseURL, "POST", "/api/v1/auth/login", body: ["email": "root@example.com", "password": "root-password"]).decode(API.Session.self).accessToken
        let shopper = try await Self.call(identity.baseURL, "POST", "/api/v1/auth/register", body: ["email": "pg@example.com", "password": "password1", "name": "P"]).decode(API.Session.self).accessToken
        let created = try await LiveAPI.createProduct(
            catalog.baseURL, token: adminToken, sku: "PG-CRASH", amount: 900, name: "PG Mug", variantName: "One", categorySlug: "pg"
        )
        #expect(created.status == 201)
        var stocked = 0
        for _ in 0..<40 {
            stocked = try await Self.call(inventory.baseURL, "PUT", "/api/v1/inventory/PG-CRASH", token: adminToken, body: ["onHand": 100]).status
            guard stocked == 503 else { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(stocked == 200)

        var onHand = 100
        let points = [
            ("after-create", "4242424242424242"), ("after-reserve", "4242424242424242"), ("after-authorize", "4242424242424242"),
            ("after-commit", "4242424242424242"), ("after-capture", "4242424242424242"), ("after-paid", "4242424242424242"),
            ("after-void", "4000000000000002"),
        ]
        for (index, (point, card)) in points.enumerated() {
            #expect(try await Self.call(cart.baseURL, "DELETE", "/api/v1/cart", token: shopper).status == 204)
            #expect(try await Self.call(cart.baseURL, "POST", "/api/v1/cart/items", token: shopper, body: ["sku": "PG-CRASH", "quantity": 2]).status == 200)
            let doomed = try orders(fault: "orders.\(point):crash")
            try await doomed.waitUntilReady()
            _ = try? await Self.call(doomed.baseURL, "POST", "/api/v1/orders", token: shopper, key: "pg-\(point)", body: Orders.checkoutBody(card: card))
            try await Task.sleep(for: .milliseconds(200))
            #expect(!doomed.process.isRunning, "\(point): the fault did not fire")
            if doomed.process.isRunning { _ = await doomed.stop() }

            let recovered = try orders(fault: nil)
            try await recovered.waitUntilReady()
            var listed: [API.Order] = []
            let deadline = ContinuousClock.now + .seconds(20)
            repeat {
                listed = (try? await Self.call(recovered.baseURL, "GET", "/api/v1/orders?limit=100", token: shopper).decode(API.Page<API.Order>.self))?.items ?? []
                if listed.count == index + 1, ["paid", "failed"].contains(listed.first?.status) { break }
                try await Task.sleep(for: .milliseconds(100))
            } while ContinuousClock.now < deadline
            try #require(listed.count == index + 1, "\(point): \(listed)")
            let order = listed[0]
            let paymentItems = (try? await Self.call(payments.baseURL, "GET", "/api/v1/payments?orderId=\(order.id)", token: adminToken).decode(API.Page<API.Payment>.self))?.items ?? []
            let charged = paymentItems.map(\.status)
            let stock = try? await Self.call(inventory.baseURL, "GET", "/api/v1/inventory/PG-CRASH").decode(API.Stock.self)
            switch order.status {
            case "paid":
                onHand -= 2
                #expect(charged == ["captured"], "\(point)")
            case "failed":
                #expect(charged == ["voided"] || charged == ["failed"], "\(point): \(charged)")
            default:
                Issue.record("\(point): unsettled \(order)")
            }
            #expect(stock?.onHand == onHand && stock?.reserved == 0, "\(point): \(String(describing: stock))")
            #expect(await recovered.stop() == 0)
        }
        #expect(onHand == 100 - 2 * 4, "after-authorize, -commit, -capture and -paid end paid")
        for process in peers + [identity] {
            #expect(await process.stop() == 0)
        }
    }
}

extension Array {
    fileprivate func asyncFlatMap<T>(_ transform: (Element) async throws -> [T]) async rethrows -> [T] {
        var result: [T] = []
        for element in self {
            result += try await transform(element)
        }
        return result
    }
}
