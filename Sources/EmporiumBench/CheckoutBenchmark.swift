import ArgumentParser
import AsyncHTTPClient
import Dispatch
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

/// Simulated shoppers against a running shop: each registers once, then loops — put 1–3
/// random SKUs in the cart, check out with the 4242 test card under a fresh
/// Idempotency-Key. Only checkouts are timed. `--rate` paces checkouts (all shoppers
/// together) on a fixed schedule instead of running flat out, and then times each checkout
/// from when the schedule meant to send it (an open model, as wrk2 does): a shopper held up
/// by a slow answer sends its next checkouts late, and that lateness is part of their
/// latency instead of being silently left out (coordinated omission). Flat out, a checkout
/// is timed from its send. Prints:
/// `checkouts <n> <per-s> <p50-ms> <p95-ms> <p99-ms> <failures> <cart-adds> <failed-cart-adds>`.
struct CheckoutBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkout")

    @Option(help: "Base URL for orders (and every other service unless given).") var url: String
    @Option(help: "Identity's base URL.") var identityUrl: String?
    @Option(help: "Catalog's base URL.") var catalogUrl: String?
    @Option(help: "Inventory's base URL.") var inventoryUrl: String?
    @Option(help: "Cart's base URL.") var cartUrl: String?
    @Option(help: "Concurrent shoppers.") var shoppers: Int = 32
    @Option(help: "Measured seconds (after a 2 s warm-up).") var seconds: Int = 10
    @Option(help: "Checkouts per second for all shoppers together; 0: as fast as they go.") var rate: Double = 0
    @Option(help: "Admin email (to give the SKUs ample stock).") var adminEmail: String
    @Option(help: "Admin password.") var adminPassword: String

    func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(64, self.shoppers * 2))
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await self.measure(http)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    func measure(_ http: HTTPClient) async throws {
        let identity = self.identityUrl ?? self.url
        let catalog = self.catalogUrl ?? self.url
        let inventory = self.inventoryUrl ?? self.url
        let cart = self.cartUrl ?? self.url
        let client = JSONClient(http: http)

        // SKUs with stock enough for any run.
        let admin = try await client.token(identity + "/api/v1/auth/login", ["email": self.adminEmail, "password": self.adminPassword])
        let products = try await client.send("GET", catalog + "/api/v1/products?limit=50")
        let skus = (products.json["items"] as? [[String: Any]] ?? []).compactMap { (($0["variants"] as? [[String: Any]])?.first?["sku"] as? String) }
        guard skus.count >= 3 else { throw ValidationError("the catalog has fewer than 3 products") }
        for sku in skus {
            let set = try await client.send("PUT", inventory + "/api/v1/inventory/\(sku)", token: admin, body: ["onHand": 100_000_000])
            guard set.status == 200 else { throw ValidationError("could not set stock of \(sku): \(set.status)") }
        }
        // Shoppers register once.
        let run = UUID().uuidString.prefix(8)
        var tokens: [String] = []
        for index in 0..<self.shoppers {
            tokens.append(try await client.token(identity + "/api/v1/auth/register", ["email": "bench-\(run)-\(index)@example.com", "password": "bench-password", "name": "Shopper \(index)"]))
        }

        let stats = Stats()
        let warmup = DispatchTime.now().uptimeNanoseconds + 2_000_000_000
        let end = warmup + UInt64(self.seconds) * 1_000_000_000
        let interval = self.rate > 0 ? Double(self.shoppers) / self.rate : 0
        await withTaskGroup(of: Void.self) { group in
            for (index, token) in tokens.enumerated() {
                group.addTask {
                    var rng = SystemRandomNumberGenerator()
                    // Pacing: each shopper's rounds are due `interval` apart, staggered; a late
                    // round never moves the schedule (no slot is skipped or shifted).
                    var next = Double(DispatchTime.now().uptimeNanoseconds) + interval * 1e9 * Double(index) / Double(self.shoppers)
                    while DispatchTime.now().uptimeNanoseconds < end {
                        var due: UInt64?
                        if interval > 0 {
                            let wait = next - Double(DispatchTime.now().uptimeNanoseconds)
                            if wait > 0 { try? await Task.sleep(for: .nanoseconds(Int(wait))) }
                            due = UInt64(next)
                            next += interval * 1e9
                        }
                        let measuring = DispatchTime.now().uptimeNanoseconds >= warmup
                        let round = DispatchTime.now().uptimeNanoseconds
                        for sku in skus.shuffled(using: &rng).prefix(Int.random(in: 1...3, using: &rng)) {
                            let added = try? await client.send("POST", cart + "/api/v1/cart/items", token: token, body: ["sku": sku, "quantity": Int.random(in: 1...2, using: &rng)])
                            if measuring { stats.add(ok: added?.status == 200) }
                        }
                        let start = DispatchTime.now().uptimeNanoseconds
                        // The checkout was meant to go out when its round was due plus the
                        // time its own cart adds took; anything later is waiting on the shop.
                        let intended = due.map { min(start, $0 + (start - round)) } ?? start
                        let response = try? await client.send("POST", self.url + "/api/v1/orders", token: token, key: UUID().uuidString, body: Self.checkoutBody)
                        let finished = DispatchTime.now().uptimeNanoseconds
                        guard measuring, finished <= end else { continue }
                        stats.checkout(
                            nanoseconds: finished - intended, ok: response?.status == 201, status: response?.status ?? 0,
                            detail: response.map { "\($0.json["detail"] ?? "")" } ?? "no response"
                        )
                    }
                }
            }
        }
        let result = stats.summary()
        let perSecond = Double(result.latencies.count) / Double(self.seconds)
        func percentile(_ p: Double) -> Double {
            guard !result.latencies.isEmpty else { return 0 }
            return Double(result.latencies[min(result.latencies.count - 1, Int(Double(result.latencies.count) * p))]) / 1e6
        }
        print(String(
            format: "checkouts %d %.1f %.2f %.2f %.2f %d %d %d",
            result.latencies.count, perSecond, percentile(0.5), percentile(0.95), percentile(0.99), result.failures, result.adds, result.failedAdds
        ))
        if !result.statuses.isEmpty {
            FileHandle.standardError.write(Data("failed checkouts by status: \(result.statuses.sorted { $0.key < $1.key }); e.g. \(result.examples)\n".utf8))
        }
    }

    static var checkoutBody: [String: Any] {
        [
        "shippingAddress": ["name": "Bench Shopper", "line1": "1 Load Street", "city": "Springfield", "postalCode": "12345", "country": "US"],
        "payment": ["card": ["number": "4242424242424242", "expMonth": 12, "expYear": Calendar.current.component(.year, from: Date()) + 3, "cvc": "123"]],
        ]
    }
}

/// Latencies and counts, shared by the shopper tasks.
final class Stats: Sendable {
    struct State {
        var latencies: [UInt64] = []
        var failures = 0
        var adds = 0
        /// Cart adds that did not answer 200 (or not at all): a shop that refuses the cart
        /// looks fast at checkout otherwise.
        var failedAdds = 0
        var statuses: [Int: Int] = [:]
        /// One problem detail per failing status, to say why.
        var examples: [Int: String] = [:]
    }

    private let state = Mutex(State())

    func checkout(nanoseconds: UInt64, ok: Bool, status: Int, detail: String) {
        self.state.withLock { state in
            if ok {
                state.latencies.append(nanoseconds)
            } else {
                state.failures += 1
                state.statuses[status, default: 0] += 1
                state.examples[status] = state.examples[status] ?? detail
            }
        }
    }

    func add(ok: Bool) {
        self.state.withLock { state in
            if ok {
                state.adds += 1
            } else {
                state.failedAdds += 1
            }
        }
    }

    func summary() -> State {
        self.state.withLock { state in
            var copy = state
            copy.latencies.sort()
            return copy
        }
    }
}

/// JSON over AsyncHTTPClient, just enough for the benchmark.
struct JSONClient: Sendable {
    let http: HTTPClient

    struct Reply {
        var status: Int
        var json: [String: Any]
    }

    func send(_ method: String, _ url: String, token: String? = nil, key: String? = nil, body: [String: Any]? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let key { request.headers.add(name: "Idempotency-Key", value: key) }
        if let body { request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body))) }
        let response = try await self.http.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any]) ?? [:]
        return Reply(status: Int(response.status.code), json: json)
    }

    func token(_ url: String, _ body: [String: Any]) async throws -> String {
        let reply = try await self.send("POST", url, body: body)
        guard let token = reply.json["accessToken"] as? String else {
            throw ValidationError("\(url) answered \(reply.status) without a token")
        }
        return token
    }
}
