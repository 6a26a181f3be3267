import EmporiumCore
@testable import EmporiumIdentity
import EmporiumTesting
import Foundation
import Logging
import SQLKit
import Synchronization
import HTTPTypes
import Testing

/// A bcrypt that counts the calls reaching it, and can hold them until released (to fill
/// the bcrypt queue on purpose).
final class CountingHasher: PasswordHashing {
    private let real = PasswordHasher(cost: 4)
    let verifies = Atomic<Int>(0)
    let hashes = Atomic<Int>(0)
    private let held = Mutex<(holding: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    /// From now on every call waits in `hold()` until `releaseAll()`.
    func holdCalls() {
        self.held.withLock { $0.holding = true }
    }

    func releaseAll() {
        let waiting = self.held.withLock { state in
            state.holding = false
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    var verifyCount: Int { self.verifies.load(ordering: .relaxed) }
    var hashCount: Int { self.hashes.load(ordering: .relaxed) }

    /// How many calls are held right now.
    var heldCount: Int { self.held.withLock { $0.waiting.count } }

    private func hold() async {
        await withCheckedContinuation { continuation in
            let resumeNow = self.held.withLock { state in
                guard state.holding else { return true }
                state.waiting.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func hash(_ password: String) async throws -> String {
        self.hashes.add(1, ordering: .relaxed)
        await self.hold()
        return try await self.real.hash(password)
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        self.verifies.add(1, ordering: .relaxed)
        await self.hold()
        return try await self.real.verify(password, hash: hash)
    }
}

/// Identity's session service on a fresh, migrated database, with a counting hasher.
struct SessionFixture {
    let sessions: Sessions
    let store: SQLIdentityStore
    let hasher: CountingHasher
    let database: any Database

    static func with(
        _ kind: TestDatabaseKind = .sqlite,
        settings: IdentitySettings = IdentityAPI.settings(),
        _ body: @Sendable (SessionFixture) async throws -> Void
    ) async throws {
        _ = try await TestDatabase.with(kind) { database in
            try await Migrator.migrate(database, service: "identity", migrations: IdentityMigrations.all, logger: Logger(label: "test"))
            let store = SQLIdentityStore(database: database)
            let hasher = CountingHasher()
            let sessions = Sessions(store: store, keys: KeyRing(store: store, accessTokenTTL: .seconds(900)), hasher: hasher, settings: settings)
            try await sessions.prepare(logger: Logger(label: "test"))
            try await body(SessionFixture(sessions: sessions, store: store, hasher: hasher, database: database))
        }
    }

    /// The status a call ended with: 200 for a session, the problem's status otherwise.
    /// Runs `count` calls at once and returns their statuses (`status` of each).
    static func burst(_ count: Int, _ call: @escaping @Sendable (Int) async throws -> Session) async -> [Int] {
        await withTaskGroup(of: Int.self) { group in
            for index in 0..<count {
                group.addTask { await Self.status { try await call(index) } }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
    }

    static func status(_ call: () async throws -> Session) async -> Int {
        do {
            _ = try await call()
            return 200
        } catch let error as any ProblemConvertible {
            return Int(error.problem.status.code)
        } catch {
            return -1
        }
    }

    /// The user id of the admin every fixture starts with.
    func adminId(sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        try #require(try await self.store.user(emailKey: "admin@example.com"), sourceLocation: sourceLocation).user.id
    }

    func rows(in table: String) async throws -> Int {
        try await self.database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}

/// What ran, in order, across tasks.
final class OrderLog: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ entry: String) { self.storage.withLock { $0.append(entry) } }
    var entries: [String] { self.storage.withLock { $0 } }
}
