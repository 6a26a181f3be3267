import EmporiumCatalog
import EmporiumCore
import EmporiumTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import HTTPTypes
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// The service kit's cross-cutting behaviour, seen through the catalog's routes.
@Suite struct OperationsTests {
    @Test func requestIdsAreEchoedOrGenerated() async throws {
        try await CatalogAPI.with { client in
            try await client.execute(uri: "/api/v1/products", method: .get, headers: [.requestID: "abc.DEF_123-x"]) {
                #expect($0.headers[.requestID] == "abc.DEF_123-x")
            }
            for bad in ["has space", String(repeating: "a", count: 129), "ünïcode", ""] {
                try await client.execute(uri: "/api/v1/products", method: .get, headers: [.requestID: bad]) { response in
                    let id = try #require(response.headers[.requestID])
                    #expect(id != bad && id.count == 32)
                }
            }
            // Errors carry one too.
            try await client.execute(uri: "/nope", method: .get) { #expect($0.headers[.requestID]?.isEmpty == false) }
        }
    }

    @Test func healthEndpoints() async throws {
        try await CatalogAPI.with { client in
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .ok) }
        }
    }

    /// A catalog platform not yet started, whose API requests wait `wait` for the start.
    static func startingPlatform(_ database: any Database, wait: Duration) -> Platform {
        var settings = ServerSettings()
        settings.startingWait = wait
        return Platform(
            settings: settings,
            units: [CatalogAPI.unit(database, verifier: RejectAllTokens())],
            metrics: MetricsRegistry(),
            logger: .init(label: "test")
        )
    }

    @Test func readinessIs503WhileStartingAndApiIsGatedAndDrainingClosesConnections() async throws {
        _ = try await TestDatabase.with(.sqlite) { database in
            let platform = Self.startingPlatform(database, wait: .milliseconds(300))
            try await platform.buildApplication().test(.router) { client in
                try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .serviceUnavailable) }
                // Held for the starting wait, then refused.
                let asked = ContinuousClock.now
                try await client.execute(uri: "/api/v1/products", method: .get) { response in
                    response.expectProblem(.serviceUnavailable)
                    #expect(response.headers[.retryAfter] != nil)
                }
                #expect(ContinuousClock.now - asked >= .milliseconds(300))
                try await platform.start()
                try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .ok) }
                try await client.execute(uri: "/api/v1/products", method: .get) { #expect($0.headers[.connection] == nil) }
                platform.readiness.set(.draining)
                try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .serviceUnavailable) }
                // Draining still serves, but asks every client to close its connection after
                // the answer, problems included (NGINX then drops its keep-alive connections).
                try await client.execute(uri: "/api/v1/products", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.connection] == "close")
                }
                try await client.execute(uri: "/api/v1/products/nope", method: .get) { response in
                    response.expectProblem(.notFound)
                    #expect(response.headers[.connection] == "close")
                }
            }
        }
    }

    /// A request that arrives while the process starts (a restarted instance NGINX sends to
    /// as soon as its port opens) waits for the start and is served, not refused.
    @Test func aRequestDuringTheStartWaitsForIt() async throws {
        _ = try await TestDatabase.with(.sqlite) { database in
            let platform = Self.startingPlatform(database, wait: .seconds(30))
            try await platform.buildApplication().test(.router) { client in
                let answered = AnsweredFlag()
                async let served = client.execute(uri: "/api/v1/products", method: .get) { response in
                    answered.value.store(true, ordering: .releasing)
                    return response.status
                }
                try await Task.sleep(for: .milliseconds(200))
                let answeredEarly = answered.value.load(ordering: .acquiring)
                #expect(!answeredEarly, "answered before the start finished")
                try await platform.start()
                #expect(try await served == .ok)
            }
        }
    }

    @Test func readinessIs503WhenTheDatabaseIsUnreachable() async throws {
        let deadPort = try FreePort.find()
        let database = try PostgresDatabase(
            url: "postgres://nobody@127.0.0.1:\(deadPort)/none", name: "catalog", metrics: MetricsRegistry().factory, logger: Logger(label: "test")
        )
        let platform = Platform(
            settings: ServerSettings(),
            units: [CatalogAPI.unit(database, verifier: RejectAllTokens())],
            metrics: MetricsRegistry(),
            logger: Logger(label: "test")
        )
        platform.readiness.set(.ready)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            try await platform.buildApplication().test(.router) { client in
                let started = ContinuousClock.now
                try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .serviceUnavailable) }
                // The probe gives up after 2 s, where a connect to a dead port alone would
                // retry for ever; the bound only tells the two apart (8 s was overrun by
                // 0.1 s once with the whole suite running on 2 cores).
                #expect(ContinuousClock.now - started < .seconds(30))
                try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            }
            group.cancelAll()
        }
    }

    @Test func metricsUseRouteTemplatesNotRawPaths() async throws {
        try await CatalogAPI.with { client in
            try await client.execute(uri: "/api/v1/products/prd_secret123", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/products", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains("http_requests_total{method=\"GET\",route=\"/api/v1/products/{id}\",status=\"404\"} 1"))
                #expect(text.contains("http_requests_total{method=\"GET\",route=\"/api/v1/products\",status=\"200\"} 1"))
                #expect(text.contains("http_request_duration_seconds_bucket"))
                #expect(text.contains("db_pool_size"))
                #expect(!text.contains("prd_secret123"))
            }
        }
    }
}

/// Whether a response has arrived, set from the response callback.
private final class AnsweredFlag: Sendable {
    let value = Atomic<Bool>(false)
}
