import EmporiumTesting
import Foundation
import Testing

/// SIGTERM with a slow request in flight: readiness answers 503 first (for the drain
/// delay, while the server still serves), the in-flight checkout finishes and is paid,
/// then the process exits 0.
@Suite struct ShutdownDrainTests {
    @Test func sigtermDrainsASlowCheckoutThenExitsZero() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-drain-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let server = try ServerProcess(
            arguments: ["--data-dir", dataDir, "--seed-demo", "false"],
            environment: [
                "EMPORIUM_ADMIN_EMAIL": "root@example.com", "EMPORIUM_ADMIN_PASSWORD": "root-password",
                "EMPORIUM_BCRYPT_COST": "4", "EMPORIUM_TEST_MODE": "1",
                // Every checkout waits 3 s after authorizing: the slow request in flight.
                "EMPORIUM_FAULT": "orders.after-authorize:stall=3000",
                "EMPORIUM_DRAIN_DELAY_MS": "1500", "EMPORIUM_SHUTDOWN_TIMEOUT": "20",
                // The service group says at debug which service ended the drain early, if one does.
                "EMPORIUM_LOG_LEVEL": "debug",
            ]
        )
        try await server.waitUntilReady()
        let base = server.baseURL
        let admin = try await LiveAPI.accessToken(base, "/api/v1/auth/login", ["email": "root@example.com", "password": "root-password"])
        let created = try await LiveAPI.createProduct(base, token: admin, sku: "DRAIN-1", amount: 900, name: "Drain Mug", variantName: "Blue", categorySlug: "drain")
        #expect(created.status == 201, "\(created.text)")
        #expect(try await LiveAPI.call("PUT", base + "/api/v1/inventory/DRAIN-1", token: admin, body: ["onHand": 5]).status == 200)
        let shopper = try await LiveAPI.accessToken(base, "/api/v1/auth/register", ["email": "drain@example.com", "password": "password1", "name": "D"])
        #expect(try await LiveAPI.call("POST", base + "/api/v1/cart/items", token: shopper, body: ["sku": "DRAIN-1", "quantity": 1]).status == 200)

        let checkout = Task { try await LiveAPI.call("POST", base + "/api/v1/orders", token: shopper, key: "drain-1", body: Orders.checkoutBody()) }
        try await Task.sleep(for: .milliseconds(1000))  // well inside the 3 s stall
        kill(server.process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        let ready: LiveReply
        do {
            ready = try await LiveAPI.call("GET", base + "/health/ready")
        } catch {
            Issue.record("readiness while draining: \(error)\nlog:\n\(server.log)")
            return
        }
        #expect(ready.status == 503, "readiness while draining: \(ready.status) \(ready.text)")
        #expect(server.process.isRunning)

        let reply = try await checkout.value
        #expect(reply.status == 201, "the in-flight checkout: \(reply.text)")
        #expect(try reply.decode(API.Order.self).status == "paid")
        let deadline = ContinuousClock.now + .seconds(25)
        while server.process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!server.process.isRunning)
        #expect(server.process.terminationStatus == 0, "log:\n\(server.log)")
    }
}
