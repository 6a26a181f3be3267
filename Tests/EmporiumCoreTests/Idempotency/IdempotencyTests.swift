import EmporiumCore
import EmporiumTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// `Idempotency-Key` on a test route whose handler counts its runs: replays, mismatches,
/// in-flight requests, concurrency, refusals kept, failures not kept, across instances, on
/// both databases.
@Suite struct IdempotencyTests {
    /// The route's behaviour, chosen by the request body's `outcome`.
    final class Handler: Sendable {
        let runs = Atomic<Int>(0)
        let gateOpen = Atomic<Bool>(true)

        func handle(_ request: Request, context: EmporiumRequestContext) async throws -> Response {
            let input = try await request.decodeJSON([String: String].self, context: context)
            let run = self.runs.wrappingAdd(1, ordering: .relaxed).newValue
            while !self.gateOpen.load(ordering: .relaxed) {
                try await Task.sleep(for: .milliseconds(10))
            }
            switch input["outcome"] {
            case "declined": throw Problem(status: .init(code: 402), slug: "card-declined", title: "Payment Required", detail: "Declined.")
            case "broken": throw Problem.internalError
            case "limited":
                var response = try JSONCoding.response(["run": run], status: .tooManyRequests)
                response.headers[.retryAfter] = "7"
                return response
            case "busy":
                // "Not yet" (another run holds what it needs): a refusal with Retry-After.
                var problem = Problem.conflict("Still running elsewhere.")
                problem.headers[.retryAfter] = "1"
                throw problem
            case "later":
                // A kept answer (202) that tells the client when to look again.
                var response = try JSONCoding.response(["run": run], status: .accepted)
                response.headers[.retryAfter] = "3"
                return response
            default:
                var response = try JSONCoding.response(["run": run], status: .created)
                response.headers[.location] = "/test/orders/\(run)"
                response.headers[.cacheControl] = "no-store"
                return response
            }
        }
    }

    static func unit(_ database: any Database, _ handler: Handler, retention: Duration = .seconds(86_400)) -> ServiceUnit {
        let store = IdempotencyStore(database: database)
        return ServiceUnit(
            name: "idempotency-test",
            database: database,
            migrations: [IdempotencyStore.migration(version: 1), IdempotencyStore.headersMigration(version: 2), InstallationSecrets.migration(version: 3)],
            addRoutes: { router in
                router.group("/test/orders")
                    .add(middleware: RequireRole(nil, verifier: TestTokenVerifier()))
                    .add(middleware: IdempotencyMiddleware(store: store, secrets: InstallationSecrets(database: database), retention: retention, lease: .seconds(60)))
                    .post { request, context in try await handler.handle(request, context: context) }
            }
        )
    }

    static func with(_ kind: TestDatabaseKind, retention: Duration = .seconds(86_400), _ body: @escaping @Sendable (any TestClientProtocol, Handler) async throws -> Void) async throws {
        let handler = Handler()
        _ = try await TestPlatform.with(kind, units: { database in [Self.unit(database, handler, retention: retention)] }) { platform in
            try await platform.buildApplication().test(.router) { client in try await body(client, handler) }
        }
    }

    static func post(_ client: any TestClientProtocol, key: String?, user: String = "u1", _ body: [String: String]) async throws -> TestResponse {
        var headers: HTTPFields = [.authorization: "Bearer test:\(user):customer", .contentType: "application/json"]
        headers[.idempotencyKey] = key
        return try await client.execute(uri: "/test/orders", method: .post, headers: headers, body: .json(body)) { $0 }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func replayMismatchAndMissingKey(_ kind: TestDatabaseKind) async throws {
        try await Self.with(kind) { client, handler in
            let first = try await Self.post(client, key: "k-1", ["outcome": "created", "cart": "a"])
            #expect(first.status == .created)
            #expect(first.headers[.idempotentReplayed] == nil)
            let replay = try await Self.post(client, key: "k-1", ["outcome": "created", "cart": "a"])
            #expect(replay.status == .created)
            #expect(replay.headers[.idempotentReplayed] == "true")
            #expect(replay.headers[.contentType] == first.headers[.contentType])
            // The headers that matter are the first response's too.
            #expect(first.headers[.location] == "/test/orders/1")
            #expect(replay.headers[.location] == first.headers[.location])
            #expect(String(buffer: replay.body) == String(buffer: first.body))
            #expect(handler.runs.load(ordering: .relaxed) == 1)
            // The same JSON with its keys in another order and other spacing is the same request.
            let reordered = try await client.execute(
                uri: "/test/orders", method: .post,
                headers: [.authorization: "Bearer test:u1:customer", .contentType: "application/json", .idempotencyKey: "k-1"],
                body: ByteBuffer(string: #"{ "cart" : "a", "outcome" : "created" }"#)
            ) { $0 }
            #expect(reordered.status == .created && reordered.headers[.idempotentReplayed] == "true")
            #expect(handler.runs.load(ordering: .relaxed) == 1)

            // Same key, another body: not the same request.
            #expect(try await Self.post(client, key: "k-1", ["outcome": "created", "cart": "b"]).expectProblem(.unprocessableContent)?.errors != nil)
            #expect(handler.runs.load(ordering: .relaxed) == 1)
            // Keys are per user: another user's identical key is a request of its own.
            let other = try await Self.post(client, key: "k-1", user: "u2", ["outcome": "created", "cart": "a"])
            #expect(other.status == .created && other.headers[.idempotentReplayed] == nil)
            #expect(handler.runs.load(ordering: .relaxed) == 2)

            try await Self.post(client, key: nil, ["outcome": "created"]).expectProblem(.badRequest)
            try await Self.post(client, key: String(repeating: "k", count: 256), ["outcome": "created"]).expectProblem(.badRequest)
            // Bytes, not characters: 128 two-byte characters are 256 bytes.
            try await Self.post(client, key: String(repeating: "é", count: 128), ["outcome": "created"]).expectProblem(.badRequest)
            // Visible ASCII only: no non-ASCII, no space, no control character.
            for bad in ["clé", "a key", "tab\tkey", "del\u{7F}key"] {
                try await Self.post(client, key: bad, ["outcome": "created"]).expectProblem(.badRequest)
            }
            #expect(try await Self.post(client, key: String(repeating: "k", count: 255), ["outcome": "created"]).status == .created)
            #expect(handler.runs.load(ordering: .relaxed) == 3)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func refusalsAreKeptFailuresAreNot(_ kind: TestDatabaseKind) async throws {
        try await Self.with(kind) { client, handler in
            try await Self.post(client, key: "declined", ["outcome": "declined"]).expectProblem(HTTPResponse.Status(code: 402))
            let again = try await Self.post(client, key: "declined", ["outcome": "declined"])
            again.expectProblem(HTTPResponse.Status(code: 402))
            #expect(again.headers[.idempotentReplayed] == "true")
            #expect(handler.runs.load(ordering: .relaxed) == 1)

            try await Self.post(client, key: "broken", ["outcome": "broken"]).expectProblem(.internalServerError)
            try await Self.post(client, key: "broken", ["outcome": "broken"]).expectProblem(.internalServerError)
            #expect(handler.runs.load(ordering: .relaxed) == 3)

            // A 429 is not the request's answer (API.md: refused for its rate, not run): it is
            // not kept, and a retry runs the request again.
            let limited = try await Self.post(client, key: "limited", ["outcome": "limited"])
            let limitedAgain = try await Self.post(client, key: "limited", ["outcome": "limited"])
            #expect(limited.headers[.retryAfter] == "7")
            #expect(limitedAgain.status == .tooManyRequests && limitedAgain.headers[.idempotentReplayed] == nil)
            #expect(handler.runs.load(ordering: .relaxed) == 5)

            // A kept answer's Retry-After comes back with it.
            let later = try await Self.post(client, key: "later", ["outcome": "later"])
            let laterAgain = try await Self.post(client, key: "later", ["outcome": "later"])
            #expect(later.status == .accepted && later.headers[.retryAfter] == "3")
            #expect(laterAgain.status == .accepted && laterAgain.headers[.idempotentReplayed] == "true")
            #expect(laterAgain.headers[.retryAfter] == "3")
            #expect(handler.runs.load(ordering: .relaxed) == 6)

            // Neither is a refusal that asks to be retried (409 + Retry-After): not kept, so
            // the retry runs the request again rather than hearing "still running" for a day.
            let busy = try await Self.post(client, key: "busy", ["outcome": "busy"])
            busy.expectProblem(.conflict)
            #expect(busy.headers[.retryAfter] == "1")
            let busyAgain = try await Self.post(client, key: "busy", ["outcome": "busy"])
            busyAgain.expectProblem(.conflict)
            #expect(busyAgain.headers[.idempotentReplayed] == nil)
            #expect(handler.runs.load(ordering: .relaxed) == 8)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func inFlightAndConcurrentDuplicates(_ kind: TestDatabaseKind) async throws {
        try await Self.with(kind) { client, handler in
            handler.gateOpen.store(false, ordering: .relaxed)
            async let first = Self.post(client, key: "slow", ["outcome": "created"])
            while handler.runs.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(10)) }
            try await Self.post(client, key: "slow", ["outcome": "created"]).expectProblem(.conflict)
            handler.gateOpen.store(true, ordering: .relaxed)
            #expect(try await first.status == .created)

            // Ten identical requests at once: one runs, the rest are told it is running or
            // get its answer.
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await Self.post(client, key: "burst", ["outcome": "created"]).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .created || $0 == .conflict })
            #expect(statuses.contains(.created))
            #expect(handler.runs.load(ordering: .relaxed) == 2)
        }
    }

    /// A request that outran its claim: a retry took the claim over, was told "not yet" and
    /// gave it up; the first request's answer is still stored and replayed.
    @Test(arguments: TestDatabaseKind.allCases)
    func anAnswerOutlivesAClaimTakenOverAndGivenUp(_ kind: TestDatabaseKind) async throws {
        _ = try await TestDatabase.with(kind) { database in
            try await Migrator.migrate(
                database, service: "idempotency-test",
                migrations: [IdempotencyStore.migration(version: 1), IdempotencyStore.headersMigration(version: 2)], logger: Logger(label: "test")
            )
            let store = IdempotencyStore(database: database)
            let start = Date()
            func claim(after seconds: Double) async throws -> IdempotencyStore.Claim {
                try await store.claim(scope: "u1", key: "slow", fingerprint: "f", now: start.addingTimeInterval(seconds), retention: .seconds(86_400), lease: .seconds(5))
            }
            #expect(try await claim(after: 0) == .claimed)
            #expect(try await claim(after: 1) == .inFlight)
            #expect(try await claim(after: 6) == .claimed, "the first request's claim lapsed: a retry takes it over")
            try await store.abandon(scope: "u1", key: "slow", fingerprint: "f")
            let answer = IdempotencyStore.StoredResponse(status: 201, contentType: "application/json", body: #"{"id":"o1"}"#)
            try await store.complete(scope: "u1", key: "slow", fingerprint: "f", response: answer, now: start.addingTimeInterval(7), retention: .seconds(86_400))
            #expect(try await claim(after: 8) == .replay(answer))
            // A later answer never replaces the first.
            let other = IdempotencyStore.StoredResponse(status: 409, contentType: "application/problem+json", body: "{}")
            try await store.complete(scope: "u1", key: "slow", fingerprint: "f", response: other, now: start.addingTimeInterval(9), retention: .seconds(86_400))
            #expect(try await claim(after: 10) == .replay(answer))
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func keysExpire(_ kind: TestDatabaseKind) async throws {
        try await Self.with(kind, retention: .milliseconds(200)) { client, handler in
            #expect(try await Self.post(client, key: "old", ["outcome": "created", "n": "1"]).status == .created)
            try await Task.sleep(for: .milliseconds(300))
            // After retention the key is free again, even for another request.
            let fresh = try await Self.post(client, key: "old", ["outcome": "created", "n": "2"])
            #expect(fresh.status == .created && fresh.headers[.idempotentReplayed] == nil)
            #expect(handler.runs.load(ordering: .relaxed) == 2)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func instancesShareKeys(_ kind: TestDatabaseKind) async throws {
        let handler = Handler()
        _ = try await TestDatabase.with(kind) { database in
            let instances = (0..<2).map { _ in
                Platform(settings: ServerSettings(), units: [Self.unit(database, handler)], metrics: MetricsRegistry(), logger: .init(label: "test"))
            }
            for instance in instances { try await instance.start() }
            try await instances[0].buildApplication().test(.router) { first in
                try await instances[1].buildApplication().test(.router) { second in
                    #expect(try await Self.post(first, key: "shared", ["outcome": "created"]).status == .created)
                    let replay = try await Self.post(second, key: "shared", ["outcome": "created"])
                    #expect(replay.headers[.idempotentReplayed] == "true")
                    #expect(handler.runs.load(ordering: .relaxed) == 1)
                }
            }
        }
    }
}
