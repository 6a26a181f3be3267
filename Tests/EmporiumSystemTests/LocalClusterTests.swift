import EmporiumTesting
import Foundation
import Testing

/// `deploy/local/up`: PostgreSQL, two `serve` instances of every service, NGINX and
/// Prometheus (with Alertmanager and the NGINX exporter), as processes; a shop through NGINX
/// that survives losing one instance of each service while Prometheus sees the loss and
/// fires the instance-down alert; and `deploy/local/down` leaving nothing running.
@Suite(.serialized) struct LocalClusterTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs `deploy/local/<script>` with the test binary and `runDir`; answers its exit code and output.
    @discardableResult
    static func script(_ script: String, _ arguments: [String] = [], runDir: String) async throws -> (status: Int32, output: String) {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("EMPORIUM_") }
        environment["EMPORIUM_BIN"] = ServerProcess.binaryPath
        environment["EMPORIUM_CLUSTER_DIR"] = runDir
        environment["EMPORIUM_ADMIN_EMAIL"] = "root@example.com"
        environment["EMPORIUM_ADMIN_PASSWORD"] = "root-password"
        environment["EMPORIUM_BCRYPT_COST"] = "4"
        environment["EMPORIUM_TEST_MODE"] = "1"
        // Into a file, not a pipe: the processes the script leaves running must not hold
        // the test's end of anything open.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-\(script)-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let process = try ChildProcess(
            executable: "\(Self.repo)/deploy/local/\(script)", arguments: arguments, environment: environment, outputPath: log.path)
        // Reaped by waitpid, which sees the script end even while its children (the
        // cluster) outlive it.
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        let code: Int32 = process.terminationSignal.map { 128 + $0 } ?? process.terminationStatus
        return (code, try String(contentsOf: log, encoding: .utf8))
    }

    static func pids(_ runDir: String) throws -> [String: Int32] {
        let folder = runDir + "/pids"
        var pids: [String: Int32] = [:]
        for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where file.hasSuffix(".pid") {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            // Never 0 or 1: kill(0, …) would signal the test's own process group.
            if let pid = Int32(text), pid > 1 { pids[String(file.dropLast(4))] = pid }
        }
        return pids
    }

    static func alive(_ pid: Int32) -> Bool { pid > 1 && kill(pid, 0) == 0 }

    /// podman's volumes now.
    static func volumes() throws -> Set<String> {
        Set(try Shell.run("/usr/bin/podman", ["volume", "ls", "-q"]).split(separator: "\n").map(String.init))
    }

    /// SIGTERM, then SIGKILL what is left after 10 s: a SIGKILLed NGINX master would leave
    /// its workers behind, still listening.
    static func stopAll(_ pids: [String: Int32]?) {
        let pids = Array((pids ?? [:]).values)
        for pid in pids { kill(pid, SIGTERM) }
        for _ in 0..<100 where pids.contains(where: Self.alive) { usleep(100_000) }
        for pid in pids where Self.alive(pid) { kill(pid, SIGKILL) }
    }

    /// Open the storefront's home and a product page; register, browse, put the first
    /// product's first SKU in the cart, check out, see the order.
    static func shop(_ url: String, email: String) async throws {
        let home = try await LiveAPI.call("GET", url + "/")
        #expect(home.status == 200 && home.text.contains("<!DOCTYPE html>"), "the storefront's home: \(home.status) \(home.text.prefix(300))")
        let token = try await LiveAPI.accessToken(url, "/api/v1/auth/register", ["email": email, "password": "password1", "name": "Shopper"])
        let products = try await LiveAPI.call("GET", url + "/api/v1/products?limit=5").decode(API.Page<API.Product>.self)
        let sku = try #require(products.items.first?.variants.first?.sku)
        let page = try await LiveAPI.call("GET", url + "/products/" + (products.items.first?.slug ?? "none"))
        #expect(page.status == 200 && page.text.contains("application/ld+json"), "a product page: \(page.status) \(page.text.prefix(300))")
        let added = try await LiveAPI.call("POST", url + "/api/v1/cart/items", token: token, body: ["sku": sku, "quantity": 1])
        #expect(added.status == 200, "\(added.text)")
        let ordered = try await LiveAPI.call("POST", url + "/api/v1/orders", token: token, key: UUID().uuidString, body: Orders.checkoutBody())
        #expect(ordered.status == 201, "\(ordered.text)")
        let order = try ordered.decode(API.Order.self)
        #expect(order.status == "paid")
        let listed = try await LiveAPI.call("GET", url + "/api/v1/orders", token: token).decode(API.Page<API.Order>.self)
        #expect(listed.items.map(\.id) == [order.id])
    }

    static let services = ["identity", "catalog", "inventory", "cart", "payments", "orders", "storefront"]
    /// The services with a database of their own (the storefront has none).
    static let owningData = ["identity", "catalog", "inventory", "cart", "payments", "orders"]

    /// A Prometheus instant query's result: each series' labels and value.
    static func query(_ prometheus: String, _ expression: String) async throws -> [(labels: [String: String], value: Double)] {
        var components = URLComponents(string: prometheus + "api/v1/query")
        components?.queryItems = [URLQueryItem(name: "query", value: expression)]
        let url = try #require(components?.url?.absoluteString)
        let reply = try await LiveAPI.call("GET", url)
        let json = try JSONSerialization.jsonObject(with: reply.body) as? [String: Any]
        let result = ((json?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
        return result.map { series in
            let value = ((series["value"] as? [Any])?.last as? String).flatMap(Double.init) ?? .nan
            return ((series["metric"] as? [String: String]) ?? [:], value)
        }
    }

    /// The `service-replica` names a query's series carry.
    static func instances(_ prometheus: String, _ expression: String) async throws -> Set<String> {
        Set(try await Self.query(prometheus, expression).map { "\($0.labels["service"] ?? "?")-\($0.labels["replica"] ?? "?")" })
    }

    /// Polls `condition` every 500 ms until it holds or `timeout` passes; answers whether it held.
    static func eventually(_ timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(500))
        }
        return try await condition()
    }

    @Test func nginxAcceptsTheGeneratedConfig() throws {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-nginx-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: run) }
        for folder in ["logs", "nginx"] { try FileManager.default.createDirectory(atPath: run + "/" + folder, withIntermediateDirectories: true) }
        let services = Self.services
        let upstreams = services.enumerated().map { "\($1)=127.0.0.1:\(19000 + 2 * $0),127.0.0.1:\(19001 + 2 * $0)" }
        let config = try Shell.run("\(Self.repo)/deploy/local/nginx-config", [run, "18090", "18091"] + upstreams)
        try Data(config.utf8).write(to: URL(fileURLWithPath: run + "/nginx.conf"))
        // Throws with nginx's own words when the configuration is refused.
        try Shell.run("/usr/sbin/nginx", ["-t", "-c", run + "/nginx.conf", "-e", run + "/logs/error.log"])
    }

    /// Once with the services as processes, once as podman containers (`up --containers`).
    @Test(arguments: [false, true])
    func aShopBehindNGINXSurvivesLosingAnInstanceOfEachService(containers: Bool) async throws {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-cluster-\(UUID().uuidString)").path
        defer {
            // Whatever the test did, the cluster's processes go (pid files are in `run`);
            // its logs stay in the temporary folder for a look after a failure.
            Self.stopAll(try? Self.pids(run))
            let logs = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-cluster-last-logs-\(containers ? "containers" : "processes")").path
            try? FileManager.default.removeItem(atPath: logs)
            try? FileManager.default.moveItem(atPath: run + "/logs", toPath: logs)
            try? FileManager.default.removeItem(atPath: run)
        }
        let port = try FreePort.find()
        let volumesBefore = containers ? try Self.volumes() : []
        let up = try await Self.script("up", ["--port", String(port)] + (containers ? ["--containers"] : []), runDir: run)
        #expect(up.status == 0, "deploy/local/up: \(up.output)")
        if containers {
            // Every instance is a container's process, running as the image's user.
            for service in Self.services {
                let pid = try #require(try Self.pids(run)["\(service)-a"])
                let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
                #expect(status.contains("Uid:\t10001\t"), "\(service)-a is not the container's user")
            }
        }
        let url = try #require(up.output.split(separator: "\n").last.map(String.init))
        #expect(url == "http://127.0.0.1:\(port)/")
        let base = String(url.dropLast())
        let started = try Self.pids(run)
        // 7 services × 2, NGINX, PostgreSQL, Prometheus, Alertmanager, the NGINX exporter.
        #expect(started.count == 19, "\(started.keys.sorted())")
        #expect(try await Self.script("status", runDir: run).status == 0)
        let prometheus = try String(contentsOfFile: run + "/prometheus-url", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let alertmanager = try String(contentsOfFile: run + "/alertmanager-url", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)

        try await Self.shop(base, email: "first@example.com")
        // Shopping through the storefront's pages: a session one instance sealed opens on both.
        let smoke = try await Self.script("smoke-storefront", runDir: run)
        #expect(smoke.status == 0, "deploy/local/smoke-storefront: \(smoke.output)")

        // Prometheus scrapes every instance of every service (and NGINX through its exporter),
        // and finds each service's own metrics from each of its instances.
        let everyInstance = Set(Self.services.flatMap { ["\($0)-a", "\($0)-b"] })
        #expect(try await Self.eventually(.seconds(30)) { try await Self.instances(prometheus, #"up{job="emporium"} == 1"#) == everyInstance })
        #expect(try await Self.eventually(.seconds(30)) { try await Self.query(prometheus, #"nginx_up == 1"#).count == 1 })
        // Each service's own metrics from both of its instances: its database's pool, and
        // what only it exports (counters exist at zero from the start).
        var own = Self.owningData.map { ($0, "db_pool_size{database=\"\($0)\"}") }
        own += [
            ("identity", "identity_logins_total"), ("orders", "orders_checkouts_total"), ("orders", "orders_outbox_parked_total"),
            ("cart", "grpc_client_circuit_rejections_total"), ("inventory", "grpc_client_circuit_rejections_total"),
            ("storefront", "grpc_client_circuit_rejections_total"),
        ]
        for (service, metric) in own {
            let both: Set = ["\(service)-a", "\(service)-b"]
            var found: Set<String> = []
            let seen = try await Self.eventually(.seconds(20)) {
                found = try await Self.instances(prometheus, "\(metric){service=\"\(service)\"}".replacingOccurrences(of: "}{", with: ","))
                return found == both
            }
            #expect(seen, "\(metric) from \(found.sorted()), want \(both.sorted())")
        }
        #expect(try await Self.eventually(.seconds(20)) {
            try await Self.instances(prometheus, #"process_cpu_seconds_total{job="emporium"} > 0"#) == everyInstance
        })
        #expect(try await Self.instances(prometheus, #"db_pool_size{job="emporium"}"#) == everyInstance.filter { !$0.hasPrefix("storefront-") })
        #expect(try await Self.eventually(.seconds(20)) {
            let orders = try await Self.instances(prometheus, "orders_saga_in_flight")
            let inventory = try await Self.instances(prometheus, "inventory_reservations_held")
            return orders == ["orders-a", "orders-b"] && inventory == ["inventory-a", "inventory-b"]
        })

        // Every dashboard query names only metrics this cluster exports and evaluates; the
        // overview's panels have data (the script says which query failed and why). Rates
        // need two scrapes of a series, so a fresh Prometheus gets a few seconds first.
        let dashboards = { try Shell.run("\(Self.repo)/deploy/monitoring/check-dashboards", ["--prometheus", prometheus]) }
        if !(try await Self.eventually(.seconds(30)) { (try? dashboards()) != nil }) {
            _ = try dashboards()
        }

        // One instance of each service dies without warning; the other carries the shop.
        let victims = try Self.services.map { try #require(started["\($0)-a"]) }
        for pid in victims { kill(pid, SIGKILL) }
        // From when they are gone: kill() returns before the process is, and a request NGINX
        // writes to a dying instance is lost with it (a POST is never retried elsewhere, as
        // NGINX cannot know whether the instance acted on it).
        #expect(try await Self.eventually(.seconds(10)) { !victims.contains(where: Self.alive) })
        try await Self.shop(base, email: "second@example.com")
        try await Self.shop(base, email: "third@example.com")

        // Prometheus sees exactly the killed instances down, and after the rule's 30 s the
        // instance-down alert fires for each of them and reaches Alertmanager.
        let killed = Set(Self.services.map { "\($0)-a" })
        #expect(try await Self.eventually(.seconds(30)) { try await Self.instances(prometheus, #"up{job="emporium"} == 0"#) == killed })
        #expect(try await Self.eventually(.seconds(90)) {
            try await Self.instances(prometheus, #"ALERTS{alertname="EmporiumInstanceDown", alertstate="firing"}"#) == killed
        })
        #expect(try await Self.eventually(.seconds(30)) {
            let reply = try await LiveAPI.call("GET", alertmanager + "api/v2/alerts?filter=alertname%3D%22EmporiumInstanceDown%22")
            let alerts = (try JSONSerialization.jsonObject(with: reply.body) as? [[String: Any]]) ?? []
            return Set(alerts.compactMap { alert in
                (alert["labels"] as? [String: String]).map { "\($0["service"] ?? "?")-\($0["replica"] ?? "?")" }
            }) == killed
        })

        let containerNames = Set(try ((try? FileManager.default.contentsOfDirectory(atPath: run + "/containers")) ?? []).map {
            try String(contentsOfFile: run + "/containers/" + $0, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        })
        #expect(containerNames.count == (containers ? 2 * Self.services.count : 0))
        let down = try await Self.script("down", runDir: run)
        #expect(down.status == 0, "deploy/local/down: \(down.output)")
        let running = started.filter { Self.alive($0.value) }
        #expect(running.isEmpty, "still running after down: \(running)")
        if containers {
            let left = Set(try Shell.run("/usr/bin/podman", ["ps", "-a", "--format", "{{.Names}}"]).split(separator: "\n").map(String.init))
            #expect(left.isDisjoint(with: containerNames), "containers left after down: \(left.intersection(containerNames))")
            // Nor their anonymous /data volumes.
            let volumesAfter = try Self.volumes()
            #expect(volumesBefore.isSuperset(of: volumesAfter), "volumes left after down: \(volumesAfter.subtracting(volumesBefore))")
        }
    }
}
