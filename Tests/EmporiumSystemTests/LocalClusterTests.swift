import EmporiumTesting
import Foundation
import Testing

/// `deploy/local/up`: PostgreSQL, two `serve` instances of every service and NGINX, as
/// processes; a shop through NGINX that survives losing one instance of each service; and
/// `deploy/local/down` leaving nothing running.
@Suite(.serialized) struct LocalClusterTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs `deploy/local/<script>` with the test binary and `runDir`; answers its exit code and output.
    @discardableResult
    static func script(_ script: String, _ arguments: [String] = [], runDir: String) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(Self.repo)/deploy/local/\(script)")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("EMPORIUM_") }
        environment["EMPORIUM_BIN"] = ServerProcess.binaryPath
        environment["EMPORIUM_CLUSTER_DIR"] = runDir
        environment["EMPORIUM_ADMIN_EMAIL"] = "root@example.com"
        environment["EMPORIUM_ADMIN_PASSWORD"] = "root-password"
        environment["EMPORIUM_BCRYPT_COST"] = "4"
        environment["EMPORIUM_TEST_MODE"] = "1"
        process.environment = environment
        // Into a file, not a pipe: the processes the script leaves running must not hold
        // the test's end of anything open.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-\(script)-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        // Reaped here: Foundation on Linux does not notice the exit of a script whose
        // children (the cluster) outlive it, so `waitUntilExit` and `isRunning` never settle.
        var status: Int32 = 0
        while waitpid(process.processIdentifier, &status, WNOHANG) == 0 {
            try await Task.sleep(for: .milliseconds(50))
        }
        try handle.close()
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (code, try String(contentsOf: log, encoding: .utf8))
    }

    static func pids(_ runDir: String) throws -> [String: Int32] {
        let folder = runDir + "/pids"
        var pids: [String: Int32] = [:]
        for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where file.hasSuffix(".pid") {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            pids[String(file.dropLast(4))] = Int32(text)
        }
        return pids
    }

    static func alive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

    /// Register, browse, put the first product's first SKU in the cart, check out, see the order.
    static func shop(_ url: String, email: String) async throws {
        let token = try await LiveAPI.accessToken(url, "/api/v1/auth/register", ["email": email, "password": "password1", "name": "Shopper"])
        let products = try await LiveAPI.call("GET", url + "/api/v1/products?limit=5").decode(API.Page<API.Product>.self)
        let sku = try #require(products.items.first?.variants.first?.sku)
        let added = try await LiveAPI.call("POST", url + "/api/v1/cart/items", token: token, body: ["sku": sku, "quantity": 1])
        #expect(added.status == 200, "\(added.text)")
        let ordered = try await LiveAPI.call("POST", url + "/api/v1/orders", token: token, key: UUID().uuidString, body: Orders.checkoutBody())
        #expect(ordered.status == 201, "\(ordered.text)")
        let order = try ordered.decode(API.Order.self)
        #expect(order.status == "paid")
        let listed = try await LiveAPI.call("GET", url + "/api/v1/orders", token: token).decode(API.Page<API.Order>.self)
        #expect(listed.items.map(\.id) == [order.id])
    }

    @Test func nginxAcceptsTheGeneratedConfig() throws {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-nginx-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: run) }
        for folder in ["logs", "nginx"] { try FileManager.default.createDirectory(atPath: run + "/" + folder, withIntermediateDirectories: true) }
        let services = ["identity", "catalog", "inventory", "cart", "orders", "payments"]
        let upstreams = services.enumerated().map { "\($1)=127.0.0.1:\(19000 + 2 * $0),127.0.0.1:\(19001 + 2 * $0)" }
        let config = try Shell.run("\(Self.repo)/deploy/local/nginx-config", [run, "18090", "18091"] + upstreams)
        try Data(config.utf8).write(to: URL(fileURLWithPath: run + "/nginx.conf"))
        // Throws with nginx's own words when the configuration is refused.
        try Shell.run("/usr/sbin/nginx", ["-t", "-c", run + "/nginx.conf", "-e", run + "/logs/error.log"])
    }

    @Test func aShopBehindNGINXSurvivesLosingAnInstanceOfEachService() async throws {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-cluster-\(UUID().uuidString)").path
        defer {
            // Whatever the test did, the cluster's processes go (pid files are in `run`).
            for (_, pid) in (try? Self.pids(run)) ?? [:] { kill(pid, SIGKILL) }
            try? FileManager.default.removeItem(atPath: run)
        }
        let port = try FreePort.find()
        let up = try await Self.script("up", ["--port", String(port)], runDir: run)
        #expect(up.status == 0, "deploy/local/up: \(up.output)")
        let url = try #require(up.output.split(separator: "\n").last.map(String.init))
        #expect(url == "http://127.0.0.1:\(port)/")
        let base = String(url.dropLast())
        let started = try Self.pids(run)
        #expect(started.count == 14, "\(started.keys.sorted())")  // 6 services × 2, NGINX, PostgreSQL
        #expect(try await Self.script("status", runDir: run).status == 0)

        try await Self.shop(base, email: "first@example.com")

        // One instance of each service dies without warning; the other carries the shop.
        for service in ["identity", "catalog", "inventory", "cart", "payments", "orders"] {
            let pid = try #require(started["\(service)-a"])
            kill(pid, SIGKILL)
        }
        try await Self.shop(base, email: "second@example.com")
        try await Self.shop(base, email: "third@example.com")

        let down = try await Self.script("down", runDir: run)
        #expect(down.status == 0, "deploy/local/down: \(down.output)")
        let running = started.filter { Self.alive($0.value) }
        #expect(running.isEmpty, "still running after down: \(running)")
    }
}
