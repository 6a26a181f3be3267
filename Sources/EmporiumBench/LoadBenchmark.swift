import ArgumentParser
import AsyncHTTPClient
import Dispatch
import Foundation
import NIOCore
import NIOHTTP1

/// `emporium-bench load`: an open-model shop mix against one base URL (the embedded server,
/// or NGINX in front of the local cluster). Every shopper registers first (sign-ins are
/// timed and reported apart), then the shoppers together send `--rate` requests per second
/// drawn from the mix (LoadShopper.next). Request i is due at start + i / rate and belongs to
/// shopper i mod shoppers, which sends its requests one at a time, each at its due time or
/// at once when late, and times it from its due time — the schedule never waits for the
/// server, so a stall counts in full for every request it delays (no coordinated omission,
/// as CheckoutBenchmark's paced mode). The rate holds while shoppers ≥ rate × latency; what
/// a shopper had not sent by the end is reported as "not sent". Bounded: warm-up + seconds,
/// then at most one request timeout for the last answers. Loopback only.
struct LoadBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "load")

    @Option(help: "Base URL: http on a loopback address (127.0.0.0/8, localhost, [::1]).") var url: String
    @Option(help: "Requests per second, all shoppers together.") var rate: Double = 200
    @Option(help: "Measured seconds, after the warm-up.") var seconds: Int = 30
    @Option(help: "Warm-up seconds: sent at the same rate, not measured (in the timeline).") var warmup: Int = 5
    @Option(help: "Virtual shoppers (each signs in first, then sends one request at a time).") var shoppers: Int = 64
    @Option(help: "Sign-ins at once before the load (bcrypt-bound on the server).") var signInConcurrency: Int = 4
    @Option(help: "Per-request timeout, seconds.") var timeout: Int = 10
    @Option(help: "Write per-endpoint and overall results as JSON here.") var json: String?
    @Option(help: "Write the per-second timeline (throughput, p50/p99/max, errors) as JSON here.") var timeline: String?
    @Option(help: "Admin email: when given, every SKU gets ample stock first, so checkouts never sell out.") var adminEmail: String?
    @Option(help: "Admin password.") var adminPassword: String?

    func validate() throws {
        guard Self.isLoopback(self.url) else { throw ValidationError("--url must be http on a loopback address; \(self.url) is not") }
        guard self.rate > 0, self.rate <= 100_000 else { throw ValidationError("--rate must be in (0, 100000]") }
        guard (1...3600).contains(self.seconds), (0...600).contains(self.warmup) else { throw ValidationError("--seconds 1…3600, --warmup 0…600") }
        guard (1...10_000).contains(self.shoppers), (1...64).contains(self.signInConcurrency) else { throw ValidationError("--shoppers 1…10000, --sign-in-concurrency 1…64") }
        guard (1...120).contains(self.timeout) else { throw ValidationError("--timeout 1…120") }
    }

    /// Load goes to this machine only (the workplace's rule, and a generator pointed at a
    /// real shop by mistake would be an attack).
    static func isLoopback(_ url: String) -> Bool {
        guard let parsed = URL(string: url), parsed.scheme == "http", var host = parsed.host else { return false }
        host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false).map { UInt8($0) }
        return octets.count == 4 && octets.allSatisfy { $0 != nil } && octets[0] == 127
    }

    func run() async throws {
        var configuration = HTTPClient.Configuration()
        // One connection per shopper: each has at most one request in flight.
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: self.shoppers + 8)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(Int64(self.timeout)))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await self.load(LoadHTTP(http: http, base: self.url.hasSuffix("/") ? String(self.url.dropLast()) : self.url, timeout: .seconds(Int64(self.timeout))))
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    func load(_ client: LoadHTTP) async throws {
        let catalog = try await LoadCatalog.read(client)
        if let email = self.adminEmail, let password = self.adminPassword {
            try await self.stock(catalog, client, email: email, password: password)
        }
        // The recorder's clock starts after the sign-ins; they are timed on their own.
        let signInRecorder = LoadRecorder(origin: 0, measuredFrom: 0, measuredUntil: 0)
        let signInStart = DispatchTime.now().uptimeNanoseconds
        let shoppers = try await self.signIn(client, signInRecorder)
        let signInSeconds = Double(DispatchTime.now().uptimeNanoseconds - signInStart) / 1e9

        let origin = DispatchTime.now().uptimeNanoseconds + 100_000_000
        let measuredFrom = origin + UInt64(self.warmup) * 1_000_000_000
        let end = measuredFrom + UInt64(self.seconds) * 1_000_000_000
        let recorder = LoadRecorder(origin: origin, measuredFrom: measuredFrom, measuredUntil: end)
        let total = Int((Double(self.warmup + self.seconds) * self.rate).rounded(.down))
        let interval = 1e9 / self.rate
        let count = shoppers.count
        await withTaskGroup(of: Void.self) { group in
            for shopper in shoppers {
                group.addTask {
                    var shopper = shopper
                    var rng = SystemRandomNumberGenerator()
                    var request = shopper.index
                    while request < total {
                        let intended = origin + UInt64(Double(request) * interval)
                        var now = DispatchTime.now().uptimeNanoseconds
                        guard now < end else {
                            // Out of time with requests still due: the shopper fell behind.
                            for late in stride(from: request, to: total, by: count) {
                                recorder.scheduled(intended: origin + UInt64(Double(late) * interval), sent: false)
                            }
                            break
                        }
                        if intended > now { try? await Task.sleep(for: .nanoseconds(Int(intended - now))) }
                        recorder.scheduled(intended: intended, sent: true)
                        now = DispatchTime.now().uptimeNanoseconds
                        if now >= shopper.refreshAt { await self.refresh(&shopper, client, signInRecorder) }
                        let action = shopper.next(catalog, using: &rng)
                        let (method, path, body, key) = shopper.request(action)
                        let answer = await client.send(method, path, token: shopper.accessToken, key: key, body: body)
                        recorder.completed(action.endpoint, intended: intended, finished: DispatchTime.now().uptimeNanoseconds, failure: answer.failure)
                        shopper.absorb(action, answer)
                        request += count
                    }
                }
            }
        }

        var report = recorder.report(url: self.url, rate: self.rate, seconds: self.seconds, warmup: self.warmup, shoppers: count, signInSeconds: signInSeconds)
        let signIns = signInRecorder.report(url: self.url, rate: self.rate, seconds: self.seconds, warmup: self.warmup, shoppers: count, signInSeconds: signInSeconds)
        report.signIns = signIns.signIns
        print(report.table)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if let path = self.json { try encoder.encode(report).write(to: URL(fileURLWithPath: path)) }
        if let path = self.timeline {
            try encoder.encode(recorder.timeline(rate: self.rate, warmup: self.warmup, seconds: self.seconds)).write(to: URL(fileURLWithPath: path))
        }
    }

    /// Registers every shopper, `--sign-in-concurrency` at a time; a 429 or 503 (bcrypt queue
    /// full) is counted and retried after its Retry-After, within two minutes in all.
    func signIn(_ client: LoadHTTP, _ recorder: LoadRecorder) async throws -> [LoadShopper] {
        let run = UUID().uuidString.prefix(8).lowercased()
        let deadline = DispatchTime.now().uptimeNanoseconds + 120_000_000_000
        return try await withThrowingTaskGroup(of: LoadShopper.self) { group in
            var shoppers: [LoadShopper] = []
            for index in 0..<self.shoppers {
                if index >= self.signInConcurrency, let shopper = try await group.next() { shoppers.append(shopper) }
                group.addTask {
                    let body = ["email": "load-\(run)-\(index)@example.com", "password": "load-password-\(index)", "name": "Load Shopper \(index)"]
                    while true {
                        let start = DispatchTime.now().uptimeNanoseconds
                        let answer = await client.send(.POST, "/api/v1/auth/register", body: body)
                        recorder.signIn("POST /api/v1/auth/register", nanoseconds: DispatchTime.now().uptimeNanoseconds - start, failure: answer.failure)
                        if answer.status == 201 { return LoadShopper(index: index, session: answer.json()) }
                        let wait = answer.retryAfter ?? 1
                        guard answer.status == 429 || answer.status == 503, DispatchTime.now().uptimeNanoseconds + UInt64(wait * 1e9) < deadline else {
                            throw ValidationError("shopper \(index) could not register: \(answer.failure ?? "?")")
                        }
                        try await Task.sleep(for: .seconds(wait))
                    }
                }
            }
            for try await shopper in group { shoppers.append(shopper) }
            return shoppers.sorted { $0.index < $1.index }
        }
    }

    /// A new access token before the old one expires (runs past 12 minutes), with the
    /// refresh token: a shopper stays signed in as a browser would, without bcrypt.
    func refresh(_ shopper: inout LoadShopper, _ client: LoadHTTP, _ recorder: LoadRecorder) async {
        let start = DispatchTime.now().uptimeNanoseconds
        let answer = await client.send(.POST, "/api/v1/auth/refresh", body: ["refreshToken": shopper.refreshToken])
        recorder.signIn("POST /api/v1/auth/refresh", nanoseconds: DispatchTime.now().uptimeNanoseconds - start, failure: answer.failure)
        if answer.ok {
            shopper.renew(answer.json())
        } else {
            // Try again in 10 s rather than before every request.
            shopper.refreshAt = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
        }
    }

    /// Ample stock for every SKU (as CheckoutBenchmark), 8 at a time.
    func stock(_ catalog: LoadCatalog, _ client: LoadHTTP, email: String, password: String) async throws {
        let login = await client.send(.POST, "/api/v1/auth/login", body: ["email": email, "password": password])
        guard let token = login.json()["accessToken"] as? String else { throw ValidationError("admin login answered \(login.failure ?? "?")") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, sku) in catalog.skus.enumerated() {
                if index >= 8 { _ = try await group.next() }
                group.addTask {
                    let set = await client.send(.PUT, "/api/v1/inventory/\(queryEscaped(sku))", token: token, body: ["onHand": 100_000_000])
                    guard set.ok else { throw ValidationError("could not set the stock of \(sku): \(set.failure ?? "?")") }
                }
            }
            try await group.waitForAll()
        }
    }
}
