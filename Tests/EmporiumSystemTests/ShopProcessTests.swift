import EmporiumClients
import EmporiumCore
import EmporiumTesting
import Foundation
import Logging
import Testing

/// Inventory, cart and checkout through the public API of the real binary: embedded, and as separate
/// `serve` processes on PostgreSQL talking gRPC over HTTP/2.
@Suite(.serialized) struct ShopProcessTests {
    static func call(_ method: String, _ url: String, token: String? = nil, key: String? = nil, _ body: Any? = nil) async throws -> (Int, LiveReply) {
        let reply = try await LiveAPI.call(method, url, token: token, key: key, body: body)
        return (reply.status, reply)
    }

    @Test func embeddedCartAndStockOnTheDemoCatalog() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-sys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let server = try ServerProcess(arguments: ["--data-dir", dataDir], environment: ["EMPORIUM_BCRYPT_COST": "4", "EMPORIUM_TEST_MODE": "1"])
        try await server.waitUntilReady()
        let base = server.baseURL
        let (_, products) = try await Self.call("GET", base + "/api/v1/products?limit=20")
        let skus = ((try? products.decode(API.Page<API.Product>.self))?.items ?? []).flatMap { $0.variants.map(\.sku) }
        var inStock: String?
        for sku in skus {
            let (status, stock) = try await Self.call("GET", base + "/api/v1/inventory/\(sku)")
            #expect(status == 200)
            if ((try? stock.decode(API.Stock.self))?.available ?? 0) > 0 { inStock = sku; break }
        }
        let sku = try #require(inStock, "the demo catalog has stock")
        let token = try await LiveAPI.accessToken(base, "/api/v1/auth/register", ["email": "shopper@example.com", "password": "password1", "name": "S"])
        let (added, cart) = try await Self.call("POST", base + "/api/v1/cart/items", token: token, ["sku": sku, "quantity": 2])
        #expect(added == 200, "\(cart.text)")
        #expect((try? cart.decode(API.Cart.self))?.itemCount == 2)
        let (ordered, order) = try await Self.call("POST", base + "/api/v1/orders", token: token, key: "first", Orders.checkoutBody())
        #expect(ordered == 201 && (try? order.decode(API.Order.self))?.status == "paid", "\(order.text)")
        #expect(try await Self.call("GET", base + "/api/v1/cart", token: token).1.decode(API.Cart.self).itemCount == 0)
        #expect(try await Self.call("GET", base + "/api/v1/cart").0 == 401)
        #expect(try await Self.call("DELETE", base + "/api/v1/cart", token: token).0 == 204)
        #expect(FileManager.default.fileExists(atPath: dataDir + "/inventory.sqlite"))
        #expect(FileManager.default.fileExists(atPath: dataDir + "/cart.sqlite"))
        #expect(FileManager.default.fileExists(atPath: dataDir + "/payments.sqlite"))
        #expect(FileManager.default.fileExists(atPath: dataDir + "/orders.sqlite"))
        #expect(await server.stop() == 0, "log:\n\(server.log)")
    }

    @Test func serveModeShopAcrossProcesses() async throws {
        try PostgresHarness.skipUnlessAvailable()
        let identity = try await ServerProcess.serveIdentity()
        let catalogGRPC = try FreePort.find()
        let inventoryGRPC = try FreePort.find()
        let cartGRPC = try FreePort.find()
        let paymentsGRPC = try FreePort.find()
        // Every internal call carries a service token signed with this installation's secret.
        let secret = ["EMPORIUM_SERVICE_SECRET": "serve-mode-test-secret-of-at-least-32-bytes"]
        func serve(_ service: String, grpcPort: Int) async throws -> ServerProcess {
            try ServerProcess(
                arguments: [
                    "serve", service, "--database-url", try await PostgresHarness.makeDatabaseURL(),
                    "--identity-url", identity.baseURL, "--grpc-port", String(grpcPort),
                ],
                // Settings only some of the services read go in the environment, which every
                // service accepts; each `serve` subcommand takes only its own flags.
                environment: secret.merging(["EMPORIUM_SEED_DEMO": "false", "EMPORIUM_CATALOG_GRPC": "127.0.0.1:\(catalogGRPC)"]) { $1 }
            )
        }
        try await identity.waitUntilReady()
        // Started together, as a deployment does: inventory and cart dial catalog before it
        // listens and must recover on their own.
        let catalog = try await serve("catalog", grpcPort: catalogGRPC)
        let inventory = try await serve("inventory", grpcPort: inventoryGRPC)
        let cart = try await serve("cart", grpcPort: cartGRPC)
        let payments = try await serve("payments", grpcPort: paymentsGRPC)
        for process in [catalog, inventory, cart, payments] { try await process.waitUntilReady() }
        // Ready means migrated, not that every peer connection is up yet: give the first
        // internal call a few tries, as a client retrying a 503 would.
        var fresh = 0
        var zero = LiveReply(status: 0, body: Data())

        let admin = try await LiveAPI.accessToken(identity.baseURL, "/api/v1/auth/login", ["email": "root@example.com", "password": "root-password"])
        let shopper = try await LiveAPI.accessToken(identity.baseURL, "/api/v1/auth/register", ["email": "s@example.com", "password": "password1", "name": "S"])
        let created = try await LiveAPI.createProduct(
            catalog.baseURL, token: admin, sku: "MUG-SW", amount: 1800, name: "Stoneware Mug", variantName: "Grey", categorySlug: "mugs"
        )
        #expect(created.status == 201, "\(created.text)")

        // Inventory asks catalog (gRPC over HTTP/2) whether the SKU exists.
        for _ in 0..<20 {
            (fresh, zero) = try await Self.call("GET", inventory.baseURL + "/api/v1/inventory/MUG-SW")
            guard fresh == 503 else { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(fresh == 200 && (try? zero.decode(API.Stock.self))?.onHand == 0, "\(zero.text)")
        #expect(try await Self.call("GET", inventory.baseURL + "/api/v1/inventory/NOPE").0 == 404)
        #expect(try await Self.call("PUT", inventory.baseURL + "/api/v1/inventory/MUG-SW", token: shopper, ["onHand": 5]).0 == 403)
        let (set, stock) = try await Self.call("PUT", inventory.baseURL + "/api/v1/inventory/MUG-SW", token: admin, ["onHand": 5])
        #expect(set == 200 && (try? stock.decode(API.Stock.self))?.available == 5)

        // Cart prices lines with catalog's data.
        let (added, cartBody) = try await Self.call("POST", cart.baseURL + "/api/v1/cart/items", token: shopper, ["sku": "MUG-SW", "quantity": 3])
        #expect(added == 200, "\(cartBody.text)")
        #expect((try? cartBody.decode(API.Cart.self))?.subtotal.amount == 5400)
        #expect(try await Self.call("POST", cart.baseURL + "/api/v1/cart/items", token: shopper, ["sku": "NOPE", "quantity": 1]).0 == 422)

        // Checkout's view: reserve through inventory's gRPC port, read the cart through cart's.
        let metrics = MetricsRegistry()
        let network = try RPCNetwork.http2(
            listen: nil,
            peers: [
                "inventory": try RPCEndpoints(parsing: "127.0.0.1:\(inventoryGRPC)", key: "inventoryGrpc"),
                "cart": try RPCEndpoints(parsing: "127.0.0.1:\(cartGRPC)", key: "cartGrpc"),
                "payments": try RPCEndpoints(parsing: "127.0.0.1:\(paymentsGRPC)", key: "paymentsGrpc"),
            ],
            policy: RPCPolicy(timeout: .seconds(10)),
            metrics: metrics.factory,
            logger: Logger(label: "test"),
            credentials: try ServiceCredentials(secret: secret["EMPORIUM_SERVICE_SECRET"] ?? "")
        )
        try await withRunning(network.lifecycleServices(serving: [], readiness: Readiness())) {
            let reservations = try network.client(InventoryClient.self)
            #expect(try await reservations.reserve(id: "order-1", lines: [("MUG-SW", 3)]).status == .reserved)
            #expect(try await reservations.reserve(id: "order-2", lines: [("MUG-SW", 3)]).status == .insufficientStock)
            let (_, afterReserve) = try await Self.call("GET", inventory.baseURL + "/api/v1/inventory/MUG-SW")
            let reserved = try? afterReserve.decode(API.Stock.self)
            #expect(reserved?.reserved == 3 && reserved?.available == 2)
            let carts = try network.client(CartClient.self)
            let shopperCart = try await carts.cart(userId: try Self.subject(of: shopper))
            #expect(shopperCart.subtotalAmount == 5400 && shopperCart.lines.map(\.sku) == ["MUG-SW"])

            // Payments in its own process: authorize and capture over HTTP/2, read as admin.
            let charges = try network.client(PaymentsClient.self)
            let card = CardDetails(number: "4242424242424242", expMonth: 12, expYear: Calendar.current.component(.year, from: Date()) + 3, cvc: "123")
            let payment = try await charges.authorize(orderId: "order-1", amount: Money(amount: 5400, currency: "USD"), card: card)
            #expect(payment.status == .authorized)
            #expect(try await charges.capture(paymentId: payment.id).status == .captured)
            let (listed, list) = try await Self.call("GET", payments.baseURL + "/api/v1/payments?orderId=order-1", token: admin)
            #expect(listed == 200)
            #expect((try? list.decode(API.Page<API.Payment>.self))?.items.first?.status == "captured")
        }

        // Orders in its own process checks out over gRPC to cart, inventory and payments.
        let orders = try ServerProcess(
            arguments: [
                "serve", "orders", "--database-url", try await PostgresHarness.makeDatabaseURL(), "--identity-url", identity.baseURL,
                "--grpc-port", String(try FreePort.find()), "--inventory-grpc", "127.0.0.1:\(inventoryGRPC)",
                "--cart-grpc", "127.0.0.1:\(cartGRPC)", "--payments-grpc", "127.0.0.1:\(paymentsGRPC)",
            ],
            environment: secret
        )
        try await orders.waitUntilReady()
        #expect(try await Self.call("PUT", inventory.baseURL + "/api/v1/inventory/MUG-SW", token: admin, ["onHand": 10]).0 == 200)
        var (ordered, order) = try await Self.call("POST", orders.baseURL + "/api/v1/orders", token: shopper, key: "serve-1", Orders.checkoutBody())
        for _ in 0..<20 where ordered == 503 {
            try await Task.sleep(for: .milliseconds(250))
            (ordered, order) = try await Self.call("POST", orders.baseURL + "/api/v1/orders", token: shopper, key: "serve-1", Orders.checkoutBody())
        }
        let paid = try? order.decode(API.Order.self)
        #expect(ordered == 201 && paid?.status == "paid", "\(order.text)")
        let orderId = paid?.id ?? ""
        #expect(try await Self.call("GET", cart.baseURL + "/api/v1/cart", token: shopper).1.decode(API.Cart.self).itemCount == 0)
        let (_, afterOrder) = try await Self.call("GET", inventory.baseURL + "/api/v1/inventory/MUG-SW")
        let stockAfterOrder = try? afterOrder.decode(API.Stock.self)
        #expect(stockAfterOrder?.onHand == 7 && stockAfterOrder?.reserved == 3, "\(afterOrder.text)")
        let (_, orderPayments) = try await Self.call("GET", payments.baseURL + "/api/v1/payments?orderId=\(orderId)", token: admin)
        #expect((try? orderPayments.decode(API.Page<API.Payment>.self))?.items.first?.status == "captured")
        #expect(try await Self.call("POST", cart.baseURL + "/api/v1/cart/items", token: shopper, ["sku": "MUG-SW", "quantity": 1]).0 == 200)
        let (declined, problem) = try await Self.call("POST", orders.baseURL + "/api/v1/orders", token: shopper, key: "serve-2", Orders.checkoutBody(card: "4000000000000002"))
        #expect(declined == 402 && (try? problem.decode(API.Problem.self))?.code == "card_declined", "\(problem.text)")
        let (cancelled, cancelledOrder) = try await Self.call("POST", orders.baseURL + "/api/v1/orders/\(orderId)/cancel", token: shopper)
        #expect(cancelled == 200 && (try? cancelledOrder.decode(API.Order.self))?.status == "cancelled", "\(cancelledOrder.text)")
        let (_, afterCancel) = try await Self.call("GET", inventory.baseURL + "/api/v1/inventory/MUG-SW")
        let stockAfterCancel = try? afterCancel.decode(API.Stock.self)
        #expect(stockAfterCancel?.onHand == 10 && stockAfterCancel?.reserved == 3, "\(afterCancel.text)")
        let (_, history) = try await Self.call("GET", orders.baseURL + "/api/v1/orders", token: shopper)
        #expect((try? history.decode(API.Page<API.Order>.self))?.items.map(\.status) == ["failed", "cancelled"])
        // The rest of API.md's table across processes: replay, key reuse, refusals, 404s, ship.
        let (replayed, replay) = try await Self.call("POST", orders.baseURL + "/api/v1/orders", token: shopper, key: "serve-1", Orders.checkoutBody())
        #expect(replayed == 201 && (try? replay.decode(API.Order.self))?.id == orderId)
        #expect(try await Self.call("POST", orders.baseURL + "/api/v1/orders", token: shopper, key: "serve-1", Orders.checkoutBody(card: "5555555555554444")).0 == 422)
        #expect(try await Self.call("POST", orders.baseURL + "/api/v1/orders", token: shopper, Orders.checkoutBody()).0 == 400)
        #expect(try await Self.call("POST", orders.baseURL + "/api/v1/orders", key: "anon", Orders.checkoutBody()).0 == 401)
        #expect(try await Self.call("POST", cart.baseURL + "/api/v1/cart/items", token: shopper, ["sku": "MUG-SW", "quantity": 9]).0 == 200)
        let (short, shortage) = try await Self.call("POST", orders.baseURL + "/api/v1/orders", token: shopper, key: "serve-3", Orders.checkoutBody())
        #expect(short == 409 && (try? shortage.decode(API.Problem.self))?.skus == ["MUG-SW"], "\(shortage.text)")
        #expect(try await Self.call("DELETE", cart.baseURL + "/api/v1/cart", token: shopper).0 == 204)
        #expect(try await Self.call("POST", orders.baseURL + "/api/v1/orders", token: shopper, key: "serve-4", Orders.checkoutBody()).0 == 422)
        let other = try await LiveAPI.accessToken(identity.baseURL, "/api/v1/auth/register", ["email": "o@example.com", "password": "password1", "name": "O"])
        #expect(try await Self.call("GET", orders.baseURL + "/api/v1/orders/\(orderId)", token: other).0 == 404)
        #expect(try await Self.call("GET", orders.baseURL + "/api/v1/orders/\(orderId)", token: admin).0 == 200)
        #expect(try await Self.call("POST", cart.baseURL + "/api/v1/cart/items", token: shopper, ["sku": "MUG-SW", "quantity": 1]).0 == 200)
        let (_, second) = try await Self.call("POST", orders.baseURL + "/api/v1/orders", token: shopper, key: "serve-5", Orders.checkoutBody())
        let secondId = (try? second.decode(API.Order.self))?.id ?? ""
        #expect(try await Self.call("POST", orders.baseURL + "/api/v1/orders/\(secondId)/ship", token: shopper).0 == 403)
        #expect(try await Self.call("POST", orders.baseURL + "/api/v1/orders/\(secondId)/ship", token: admin).1.decode(API.Order.self).status == "shipped")
        #expect(try await Self.call("POST", orders.baseURL + "/api/v1/orders/\(secondId)/cancel", token: shopper).0 == 409)
        #expect(await orders.stop() == 0, "log:\n\(orders.log)")

        // Catalog goes away: cart answers a clear 503 problem, fast once the circuit is open.
        #expect(await catalog.stop() == 0, "log:\n\(catalog.log)")
        for _ in 0..<6 {
            let (status, problem) = try await Self.call("POST", cart.baseURL + "/api/v1/cart/items", token: shopper, ["sku": "MUG-SW", "quantity": 1])
            #expect(status == 503, "\(problem.text)")
            #expect((try? problem.decode(API.Problem.self))?.detail.contains("catalog") == true)
        }
        let (_, _, cartMetrics) = try await HTTP.get(cart.baseURL + "/metrics")
        let text = String(decoding: cartMetrics, as: UTF8.self)
        #expect(text.contains(#"grpc_client_handled_total{grpc_service="emporium.catalog.v1.CatalogService",grpc_method="LookupVariants",grpc_code="OK"}"#))
        #expect(text.contains(#"grpc_code="UNAVAILABLE""#))

        for process in [payments, cart, inventory, identity] {
            #expect(await process.stop() == 0, "log:\n\(process.log)")
        }
    }

    /// The user id (`sub`) inside an access token.
    static func subject(of token: String) throws -> String {
        let parts = token.split(separator: ".")
        var payload = String(parts.count > 1 ? parts[1] : "").replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        let data = try #require(Data(base64Encoded: payload))
        struct Claims: Decodable { let sub: String }
        return try JSONDecoder().decode(Claims.self, from: data).sub
    }
}
