import EmporiumCore
@testable import EmporiumIdentity
import EmporiumTesting
import Foundation
import HTTPTypes
import Testing

/// bcrypt as a bounded resource: a full queue answers 503 at once, logins go before
/// registrations, and one address gets only so many registrations.
@Suite struct BcryptLimitTests {
    /// Waits (briefly) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(condition())
    }

    /// A call that holds one of a gate's slots until `finish()`.
    struct HeldCall {
        let task: Task<Void, any Error>
        let release: AsyncStream<Void>.Continuation

        /// Lets the call end and waits for it.
        func finish() async throws {
            self.release.yield()
            try await self.task.value
        }
    }

    /// Starts a `priority` call in `gate` that holds its slot; returns once it is the one call
    /// running.
    static func hold(_ gate: BcryptGate, _ priority: BcryptGate.Priority) async throws -> HeldCall {
        let (hold, release) = AsyncStream<Void>.makeStream()
        let task = Task { try await gate.run(priority) { for await _ in hold { break } } }
        try await Self.eventually { gate.load.running == 1 }
        return HeldCall(task: task, release: release)
    }

    @Test func aFullQueueRefusesAtOnceWith503AndRetryAfter() async throws {
        var settings = IdentityAPI.settings()
        settings.bcryptConcurrency = 1
        settings.bcryptQueue = 2
        try await SessionFixture.with(settings: settings) { fixture in
            fixture.hasher.holdCalls()
            // One login runs (held inside bcrypt), two wait: the queue is full.
            let running = Task { await SessionFixture.status { try await fixture.sessions.login(email: "admin@example.com", password: "admin-password", clientAddress: nil) } }
            try await Self.eventually { fixture.hasher.heldCount == 1 }
            let waiting = (0..<2).map { index in
                Task { await SessionFixture.status { try await fixture.sessions.login(email: "w\(index)@example.com", password: "password\(index)", clientAddress: nil) } }
            }
            try await Self.eventually { fixture.sessions.gate.load.waiting == 2 }

            let start = ContinuousClock.now
            let problem = await #expect(throws: IdentityError.self) {
                try await fixture.sessions.register(email: "new@example.com", password: "new-password", name: "New")
            }
            #expect(problem?.problem.status == .serviceUnavailable)
            #expect(problem?.problem.headers[.retryAfter] == "1")
            let loginProblem = await #expect(throws: IdentityError.self) {
                try await fixture.sessions.login(email: "admin@example.com", password: "admin-password", clientAddress: nil)
            }
            #expect(loginProblem?.problem.status == .serviceUnavailable)
            #expect(ContinuousClock.now - start < .seconds(1))

            fixture.hasher.releaseAll()
            #expect(await running.value == 200)
            for task in waiting { #expect(await task.value == 401) }
            // Once drained, bcrypt takes work again.
            #expect(await SessionFixture.status { try await fixture.sessions.login(email: "admin@example.com", password: "admin-password", clientAddress: nil) } == 200)
        }
    }

    @Test func waitingLoginsGoBeforeWaitingRegistrationsWhichFillOnlyHalfTheQueue() async throws {
        let gate = BcryptGate(concurrency: 1, queue: 4)
        let order = OrderLog()
        let first = try await Self.hold(gate, .register)
        var tasks: [Task<Void, any Error>] = []
        for name in ["register 1", "register 2"] {
            tasks.append(Task { try await gate.run(.register) { order.append(name) } })
            try await Self.eventually { gate.load.waiting == tasks.count }
        }
        // Half the queue (2) holds registrations; a third is refused while logins still fit.
        await #expect(throws: IdentityError.self) { try await gate.run(.register) {} }
        tasks.append(Task { try await gate.run(.login) { order.append("login") } })
        try await Self.eventually { gate.load.waiting == 3 }
        try await first.finish()
        for task in tasks { try await task.value }
        #expect(order.entries == ["login", "register 1", "register 2"])
        #expect(gate.load.running == 0 && gate.load.waiting == 0)
    }

    @Test func theQueueIsBoundedByTheExpectedWaitAndRetryAfterSaysWhenItDrains() async throws {
        // One slot, hashes taking ~1 s: a waiter that would wait 1 s or 2 s is taken, one
        // that would wait 3 s is refused at once, told to come back when the two are done.
        let gate = BcryptGate(concurrency: 1, queue: 100, maxWait: .seconds(2), initialHashSeconds: 1)
        let first = try await Self.hold(gate, .login)
        var waiters: [Task<Void, any Error>] = []
        for _ in 0..<2 {
            waiters.append(Task { try await gate.run(.login) {} })
            try await Self.eventually { gate.load.waiting == waiters.count }
        }
        let refusal = await #expect(throws: IdentityError.self) { try await gate.run(.login) {} }
        #expect(refusal == .passwordChecksBusy(retryAfterSeconds: 2))
        #expect(refusal?.problem.headers[.retryAfter] == "2")
        #expect(throws: IdentityError.passwordChecksBusy(retryAfterSeconds: 2)) { try gate.checkRoom(.login) }
        try await first.finish()
        for waiter in waiters { try await waiter.value }
        #expect(gate.load.running == 0 && gate.load.waiting == 0)
        // Quick hashes pull the estimate down (a moving average): three fit now. Ten of them,
        // so the first call's time above (however long a loaded machine made it) is forgotten.
        for _ in 0..<10 { try await gate.run(.login) {} }
        let next = try await Self.hold(gate, .login)
        var more: [Task<Void, any Error>] = []
        for _ in 0..<3 {
            more.append(Task { try await gate.run(.login) {} })
            try await Self.eventually { gate.load.waiting == more.count }
        }
        try await next.finish()
        for waiter in more { try await waiter.value }
    }

    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        let gate = BcryptGate(concurrency: 1, queue: 1)
        let first = try await Self.hold(gate, .login)
        let waiter = Task { try await gate.run(.login) {} }
        try await Self.eventually { gate.load.waiting == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(gate.load.waiting == 0)
        try await first.finish()
        #expect(gate.load.running == 0)
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func registrationsPerAddressAreLimited(_ kind: TestDatabaseKind) async throws {
        var settings = IdentityAPI.settings()
        settings.registerAddressLimit = 2
        try await SessionFixture.with(kind, settings: settings) { fixture in
            for index in 0..<2 {
                _ = try await fixture.sessions.register(email: "u\(index)@example.com", password: "password1", name: "U", clientAddress: "10.0.0.1")
            }
            let hashesBefore = fixture.hasher.hashCount
            let problem = await #expect(throws: IdentityError.self) {
                try await fixture.sessions.register(email: "u2@example.com", password: "password1", name: "U", clientAddress: "10.0.0.1")
            }
            #expect(problem?.problem.status == .tooManyRequests)
            let retryAfter = try #require(problem?.problem.headers[.retryAfter].flatMap(Int.init))
            #expect((1...900).contains(retryAfter))
            #expect(fixture.hasher.hashCount == hashesBefore)  // refused before bcrypt
            // Another address, and logins from this one, are unaffected.
            _ = try await fixture.sessions.register(email: "u2@example.com", password: "password1", name: "U", clientAddress: "10.0.0.2")
            _ = try await fixture.sessions.login(email: "u0@example.com", password: "password1", clientAddress: "10.0.0.1")
        }
    }
}

@Suite struct BcryptGateSlotTests {
    @Test func registrationsLeaveOneSlotForLogins() async throws {
        let gate = BcryptGate(concurrency: 2, queue: 4)
        let running = try await BcryptLimitTests.hold(gate, .register)
        // A second registration waits although a slot is free: that slot is for logins.
        let waiting = Task { try await gate.run(.register) {} }
        try await BcryptLimitTests.eventually { gate.load.waiting == 1 }
        #expect(gate.load.running == 1)
        let start = ContinuousClock.now
        try await gate.run(.login) {}
        #expect(ContinuousClock.now - start < .seconds(1))
        try await running.finish()
        try await waiting.value
        #expect(gate.load.running == 0 && gate.load.waiting == 0)
    }
}
