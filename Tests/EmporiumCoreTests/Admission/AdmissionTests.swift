import EmporiumCore
import EmporiumTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// Admission control: past the in-flight limit a few requests wait briefly, the rest are
/// refused at once with 503 + Retry-After; health and metrics always answer.
@Suite struct AdmissionTests {
    static func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<500 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("condition not met within 5 s")
    }

    @Test func pastTheLimitAFewWaitTheirTurnAndTheRestAreRefusedAtOnce() async throws {
        let gate = AdmissionGate(limit: 2, queue: 1, maxWait: .seconds(30))
        #expect(await gate.enter() == .admitted)
        #expect(await gate.enter() == .admitted)
        let waiter = Task { await gate.enter() }
        try await Self.eventually { gate.load.waiting == 1 }
        let start = ContinuousClock.now
        #expect(await gate.enter() == .refused)
        #expect(ContinuousClock.now - start < .seconds(1))
        gate.leave()
        #expect(await waiter.value == .admitted)
        #expect(gate.load.running == 2 && gate.load.waiting == 0)
        gate.leave()
        gate.leave()
        #expect(gate.load.running == 0)
    }

    @Test func aWaiterWhoseWaitRanOutIsRefusedNotServedLate() async throws {
        // A wait of 4 s: far beyond the moment the newcomer below waits, however busy the
        // machine (the full suite's start has held tasks up for more than a second).
        let gate = AdmissionGate(limit: 1, queue: 10, maxWait: .seconds(4))
        #expect(await gate.enter() == .admitted)
        let late = Task { await gate.enter() }
        try await Self.eventually { gate.load.waiting == 1 }
        try await Task.sleep(for: .milliseconds(4100))
        // A newer arrival finds it expired: it is refused then, the newcomer waits.
        let fresh = Task { await gate.enter() }
        #expect(await late.value == .refused)
        try await Self.eventually { gate.load.waiting == 1 }
        gate.leave()
        #expect(await fresh.value == .admitted)
        gate.leave()
        #expect(gate.load.running == 0 && gate.load.waiting == 0)
    }

    @Test func aWaiterWhoseClientWentAwayGivesItsPlaceUp() async throws {
        let gate = AdmissionGate(limit: 1, queue: 1, maxWait: .seconds(30))
        #expect(await gate.enter() == .admitted)
        let gone = Task { await gate.enter() }
        try await Self.eventually { gate.load.waiting == 1 }
        gone.cancel()
        #expect(await gone.value == .refused)
        #expect(gate.load.waiting == 0)
        // Its place is free for the next one.
        let next = Task { await gate.enter() }
        try await Self.eventually { gate.load.waiting == 1 }
        gate.leave()
        #expect(await next.value == .admitted)
        gate.leave()
        #expect(gate.load.running == 0 && gate.load.waiting == 0)
    }

    @Test func theMiddlewareAnswers503WithRetryAfterWhileHealthAndMetricsStillAnswer() async throws {
        let (held, release) = AsyncStream<Void>.makeStream()
        let (entered, enter) = AsyncStream<Void>.makeStream()
        let unit = ServiceUnit(name: "slow", database: nil, migrations: [], addRoutes: { router in
            router.get("/slow") { _, _ in
                enter.yield()
                for await _ in held { break }
                return "done"
            }
            router.post("/api/v1/auth/login") { _, _ in "signed in" }
            router.get("/.well-known/jwks.json") { _, _ in "keys" }
        })
        var settings = ServerSettings.forTests
        settings.maxInFlight = 1
        settings.admissionQueue = 0
        let metrics = MetricsRegistry()
        let platform = Platform(settings: settings, units: [unit], metrics: metrics, logger: Logger(label: "test"))
        try await platform.buildApplication().test(.router) { client in
            try await platform.start()
            let first = Task { try await client.execute(uri: "/slow", method: .get) { String(buffer: $0.body) } }
            for await _ in entered { break }  // the first holds the one slot now
            try await client.execute(uri: "/slow", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            // A sign-in waits in identity's bcrypt queue, not here.
            try await client.execute(uri: "/api/v1/auth/login", method: .post) { #expect(String(buffer: $0.body) == "signed in") }
            // Identity's public keys: a service starting beside a busy identity needs them.
            try await client.execute(uri: "/.well-known/jwks.json", method: .get) { #expect(String(buffer: $0.body) == "keys") }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains("http_requests_shed_total 1"))
            }
            release.yield()
            #expect(try await first.value == "done")
        }
    }
}
