import ArgumentParser
import AsyncHTTPClient
import Dispatch
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// `emporium-bench load`: an open-model shop mix against one base URL (the embedded server,
/// or NGINX in front of the local cluster). Every shopper registers first (sign-ins are
/// timed and reported apart), then the shoppers together send requests at the schedule's
/// rate — one `--rate` for `--seconds`, or `--phases` of different rates (a spike) —
/// drawn from the mix (LoadShopper.next). Request i is due at a fixed time (LoadSchedule);
/// whichever shopper is free takes the next request, waits for its due time (or sends at
/// once when late) and times it from the due time — the schedule never waits for the
/// server, so a stall counts in full for every request it delays (no coordinated omission).
/// The rate holds while shoppers ≥ rate × latency; what no shopper was free to send by the
/// end is reported as "not sent". `--arrivals` shoppers arrive during the run and sign in
/// (bcrypt) before they shop, timed from their arrival. Bounded: warm-up + seconds, then
/// at most one request timeout for the last answers. Loopback only.
struct LoadBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "load")

    enum Mix: String, ExpressibleByArgument, Sendable {
        /// Browse 45%, detail 30%, search 10%, cart 10%, checkout 3%, history 2%.
        case shop
        /// Fill the cart, check out: the chaos runs' mix.
        case checkout
    }

    @Option(help: "Base URL: http on a loopback address (127.0.0.0/8, localhost, [::1]).") var url: String
    @Option(help: "Requests per second, all shoppers together (without --phases).") var rate: Double = 200
    @Option(help: "Measured seconds, after the warm-up (without --phases).") var seconds: Int = 30
    @Option(help: "Phases of the measured run instead of --rate/--seconds: SECONDS:RATE[:NAME],… (e.g. 60:250:baseline,60:1000:spike,60:250:after).")
    var phases: String?
    @Option(help: "Warm-up seconds: sent at the first phase's rate, not measured (in the timeline).") var warmup: Int = 5
    @Option(help: "Virtual shoppers (each signs in first; each has at most one request in flight).") var shoppers: Int = 64
    @Option(help: "The request mix: shop or checkout.") var mix: Mix = .shop
    @Option(help: "Shoppers who arrive during the run and sign in (log in) before they shop.") var arrivals: Int = 0
    @Option(help: "Seconds after the load starts (warm-up included) when the first arrives (default: the second measured phase, else the measured start).")
    var arriveAt: Double?
    @Option(help: "Seconds over which the arrivals are spread.") var arriveOver: Double = 1
    @Option(help: "Identity's /metrics URL (once per instance): the sign-in rate bcrypt allowed during the arrivals, to compare with.")
    var identityMetrics: [String] = []
    @Option(help: "Sign-ins at once before the load (bcrypt-bound on the server).") var signInConcurrency: Int = 4
    @Option(help: "Per-request timeout, seconds.") var timeout: Int = 10
    @Option(help: "Write per-endpoint, per-phase and overall results as JSON here.") var json: String?
    @Option(help: "Write the per-second timeline (throughput, p50/p99/max, errors, sign-ins) as JSON here.") var timeline: String?
    @Option(help: "Write the id of every order answered 201 here, one per line (for deploy/local/books).") var ordersOut: String?
    @Option(help: "Admin email: when given, every SKU gets ample stock first, so checkouts never sell out.") var adminEmail: String?
    @Option(help: "Admin password.") var adminPassword: String?

    func validate() throws {
        guard Self.isLoopback(self.url) else { throw ValidationError("--url must be http on a loopback address; \(self.url) is not") }
        guard self.rate > 0, self.rate <= 100_000 else { throw ValidationError("--rate must be in (0, 100000]") }
        guard (1...3600).contains(self.seconds), (0...600).contains(self.warmup) else { throw ValidationError("--seconds 1…3600, --warmup 0…600") }
        guard (1...10_000).contains(self.shoppers), (1...64).contains(self.signInConcurrency) else { throw ValidationError("--shoppers 1…10000, --sign-in-concurrency 1…64") }
        guard (0...10_000).contains(self.arrivals), self.arriveOver >= 0, (self.arriveAt ?? 0) >= 0 else { throw ValidationError("--arrivals 0…10000, --arrive-at and --arrive-over ≥ 0") }
        guard (1...120).contains(self.timeout) else { throw ValidationError("--timeout 1…120") }
        if let phases = self.phases { _ = try LoadSchedule.parse(phases) }
        for url in self.identityMetrics where !Self.isLoopback(url) { throw ValidationError("--identity-metrics must be on a loopback address; \(url) is not") }
    }

    var schedule: LoadSchedule {
        let phases = (try? self.phases.map(LoadSchedule.parse)) ?? nil
        return LoadSchedule(warmup: self.warmup, phases: phases ?? [LoadSchedule.Phase(name: "steady", seconds: self.seconds, rate: self.rate)])
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
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: self.shoppers + self.arrivals + 8)
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
        // Every account is made before the load (arriving shoppers only log in then); the
        // recorder's clock starts after them.
        let signInRecorder = LoadRecorder(origin: 0, schedule: self.schedule)
        let signInStart = DispatchTime.now().uptimeNanoseconds
        let registered = try await self.register(client, signInRecorder)
        let signInSeconds = Double(DispatchTime.now().uptimeNanoseconds - signInStart) / 1e9
        let shoppers = registered.filter { $0.shopper.index < self.shoppers }.map(\.shopper)
        let arriving = registered.filter { $0.shopper.index >= self.shoppers }.map(\.body)

        let schedule = self.schedule
        // Before the schedule's origin is fixed: these reads must not make the first requests late.
        let hashesBefore = await IdentityHashMetrics.read(self.identityMetrics, client)
        // Scripts that disturb the run (restarts, kills) wait for this line.
        FileHandle.standardError.write(Data("load started: \(registered.count) accounts made in \(String(format: "%.2f", signInSeconds)) s\n".utf8))
        let origin = DispatchTime.now().uptimeNanoseconds + 100_000_000
        let end = origin + UInt64(schedule.seconds) * 1_000_000_000
        let recorder = LoadRecorder(origin: origin, schedule: schedule)
        let dispenser = LoadDispenser(total: schedule.total)
        let orders = LoadOrderLog()
        let failures = LoadFailureLog()
        let arriveAt = self.arriveAt ?? Double(schedule.phases.count > (schedule.warmup > 0 ? 2 : 1) ? schedule.measuredPhases.dropFirst().first?.start ?? 0 : schedule.warmup)

        /// One shopper's part of the schedule: take the next due request, wait for its
        /// time, send it, until the schedule or the time runs out.
        @Sendable func shop(_ shopper: LoadShopper) async {
            var shopper = shopper
            var rng = SystemRandomNumberGenerator()
            while let request = dispenser.take() {
                let intended = origin + schedule.due(request)
                var now = DispatchTime.now().uptimeNanoseconds
                guard now < end else {
                    recorder.scheduled(intended: intended, sent: false)
                    break
                }
                if intended > now { try? await Task.sleep(for: .nanoseconds(Int(intended - now))) }
                recorder.scheduled(intended: intended, sent: true)
                now = DispatchTime.now().uptimeNanoseconds
                if now >= shopper.refreshAt { await self.refresh(&shopper, client, signInRecorder) }
                let action = self.mix == .checkout ? shopper.nextCheckout(catalog, using: &rng) : shopper.next(catalog, using: &rng)
                let (method, path, body, key) = shopper.request(action)
                let answer = await client.send(method, path, token: shopper.accessToken, key: key, body: body)
                recorder.completed(action.endpoint, intended: intended, finished: DispatchTime.now().uptimeNanoseconds, failure: answer.failure)
                if let failure = answer.failure { failures.note(method: method, path: path, failure: failure, body: answer.body) }
                if case .checkout = action, answer.status == 201, let id = answer.json()["id"] as? String {
                    orders.append(id)
                }
                shopper.absorb(action, answer)
            }
        }

        await withTaskGroup(of: Void.self) { group in
            for shopper in shoppers { group.addTask { await shop(shopper) } }
            for (offset, body) in arriving.enumerated() {
                let arrival = origin + UInt64((arriveAt + self.arriveOver * Double(offset) / Double(max(arriving.count, 1))) * 1e9)
                group.addTask {
                    guard let shopper = await self.arrive(at: arrival, index: self.shoppers + offset, body: body, until: end, client, recorder) else { return }
                    await shop(shopper)
                }
            }
        }
        // Requests no shopper took before the end were due, and never sent.
        while let request = dispenser.take() { recorder.scheduled(intended: origin + schedule.due(request), sent: false) }

        var report = recorder.report(url: self.url, shoppers: shoppers.count)
        report.signIns = signInRecorder.signInRows(seconds: signInSeconds)
        report.signInSeconds = (signInSeconds * 100).rounded() / 100
        if var arrivals = report.arrivals, let before = hashesBefore, let after = await IdentityHashMetrics.read(self.identityMetrics, client),
            let bound = after.rate(since: before)
        {
            arrivals.bound = (bound * 10).rounded() / 10
            arrivals.ofBound = bound > 0 ? (arrivals.perSecond / bound * 1000).rounded() / 1000 : nil
            report.arrivals = arrivals
        }
        print(report.table)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if let path = self.json { try encoder.encode(report).write(to: URL(fileURLWithPath: path)) }
        if let path = self.timeline { try encoder.encode(recorder.timeline()).write(to: URL(fileURLWithPath: path)) }
        if let path = self.ordersOut {
            try orders.ids.map { $0 + "\n" }.joined().write(to: URL(fileURLWithPath: path), atomically: true, encoding: .utf8)
        }
    }

    /// An arriving shopper: at its time, logs in (retrying a 429/503 after its Retry-After
    /// until the run ends), timed from the arrival.
    func arrive(at arrival: UInt64, index: Int, body: [String: String], until end: UInt64, _ client: LoadHTTP, _ recorder: LoadRecorder) async -> LoadShopper? {
        let now = DispatchTime.now().uptimeNanoseconds
        if arrival > now { try? await Task.sleep(for: .nanoseconds(Int(arrival - now))) }
        recorder.arrived(at: arrival)
        let credentials = ["email": body["email"] ?? "", "password": body["password"] ?? ""]
        while true {
            let answer = await client.send(.POST, "/api/v1/auth/login", body: credentials)
            let finished = DispatchTime.now().uptimeNanoseconds
            if answer.status == 200 {
                recorder.arrivalSignedIn(arrived: arrival, finished: finished, failure: nil)
                return LoadShopper(index: index, session: answer.json())
            }
            let wait = answer.retryAfter ?? 1
            guard answer.status == 429 || answer.status == 503, finished + UInt64(wait * 1e9) < end else {
                recorder.arrivalSignedIn(arrived: arrival, finished: finished, failure: answer.failure ?? "?")
                return nil
            }
            try? await Task.sleep(for: .seconds(wait))
        }
    }

    /// Registers every shopper and every arriving one, `--sign-in-concurrency` at a time;
    /// a 429 or 503 (bcrypt queue full) is counted and retried after its Retry-After,
    /// within two minutes in all.
    func register(_ client: LoadHTTP, _ recorder: LoadRecorder) async throws -> [(shopper: LoadShopper, body: [String: String])] {
        let run = UUID().uuidString.prefix(8).lowercased()
        let deadline = DispatchTime.now().uptimeNanoseconds + 120_000_000_000
        return try await withThrowingTaskGroup(of: (shopper: LoadShopper, body: [String: String]).self) { group in
            var shoppers: [(shopper: LoadShopper, body: [String: String])] = []
            for index in 0..<(self.shoppers + self.arrivals) {
                if index >= self.signInConcurrency, let shopper = try await group.next() { shoppers.append(shopper) }
                group.addTask {
                    let body = ["email": "load-\(run)-\(index)@example.com", "password": "load-password-\(index)", "name": "Load Shopper \(index)"]
                    while true {
                        let start = DispatchTime.now().uptimeNanoseconds
                        let answer = await client.send(.POST, "/api/v1/auth/register", body: body)
                        recorder.signIn("POST /api/v1/auth/register", nanoseconds: DispatchTime.now().uptimeNanoseconds - start, failure: answer.failure)
                        if answer.status == 201 { return (LoadShopper(index: index, session: answer.json()), body) }
                        let wait = answer.retryAfter ?? 1
                        guard answer.status == 429 || answer.status == 503, DispatchTime.now().uptimeNanoseconds + UInt64(wait * 1e9) < deadline else {
                            throw ValidationError("shopper \(index) could not register: \(answer.failure ?? "?")")
                        }
                        try await Task.sleep(for: .seconds(wait))
                    }
                }
            }
            for try await shopper in group { shoppers.append(shopper) }
            return shoppers.sorted { $0.shopper.index < $1.shopper.index }
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

/// The ids of the orders answered 201, in the order the answers came.
final class LoadOrderLog: Sendable {
    private let state = Mutex<[String]>([])
    func append(_ id: String) { self.state.withLock { $0.append(id) } }
    var ids: [String] { self.state.withLock { $0 } }
}

/// The first few failed requests, on stderr: what a rare error was (a count says only that
/// there was one).
final class LoadFailureLog: Sendable {
    private let logged = Mutex(0)

    func note(method: HTTPMethod, path: String, failure: String, body: ByteBuffer?) {
        guard self.logged.withLock({ count in
            count += 1
            return count <= 10
        }) else { return }
        let text = body.map { String(buffer: $0).prefix(300) } ?? ""
        FileHandle.standardError.write(Data("failed: \(method) \(path) → \(failure) \(text)\n".utf8))
    }
}
