import HummingbirdBcrypt
import NIOCore
import NIOPosix


/// What sessions need from bcrypt; a protocol so tests can count (or slow down) the calls
/// that reach it.
protocol PasswordHashing: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, hash: String) async throws -> Bool
}

/// bcrypt on threads of its own, never on an event loop nor on NIO's shared pool (where
/// SQLite's queries run in the embedded mode: a burst of sign-ins would queue them behind
/// 50–100 ms hashes). Not at a lower CPU priority: Linux threads inherit their creator's
/// niceness, so the Swift concurrency and NIO threads a hash thread happens to wake or start
/// would run at it too (seen: the whole test process slowed), and an unprivileged process
/// can never raise it back.
struct PasswordHasher: PasswordHashing {
    let cost: Int
    let threadPool: NIOThreadPool

    init(cost: Int, threadPool: NIOThreadPool = PasswordHasher.sharedPool) {
        self.cost = cost
        self.threadPool = threadPool
    }

    /// One pool per process (every identity unit of the process shares it), a thread per
    /// core; it lives as long as the process, like NIO's singletons.
    static let sharedPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: System.coreCount)
        pool.start()
        return pool
    }()

    func hash(_ password: String) async throws -> String {
        let cost = UInt8(self.cost)
        return try await self.threadPool.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await self.threadPool.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
