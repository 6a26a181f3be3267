import HummingbirdBcrypt
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// What sessions need from bcrypt; a protocol so tests can count (or slow down) the calls
/// that reach it.
protocol PasswordHashing: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, hash: String) async throws -> Bool
}

/// bcrypt on threads of its own, never on an event loop nor on NIO's shared pool (where
/// SQLite's queries run in the embedded mode: a burst of sign-ins would queue them behind
/// 50–100 ms hashes). The threads run at a lower CPU priority, so under load a sign-in
/// burst takes what the other requests leave and never slows them.
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
        return try await self.threadPool.runIfActive {
            Self.lowerThreadPriority()
            return Bcrypt.hash(password, cost: cost)
        }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await self.threadPool.runIfActive {
            Self.lowerThreadPriority()
            return Bcrypt.verify(password, hash: hash)
        }
    }

    /// nice 10 for the calling thread only (Linux keeps a niceness per thread, and
    /// `PRIO_PROCESS, 0` names the calling thread there): the scheduler then runs request
    /// threads first whenever both want a core. Cheap enough to repeat per hash; raising a
    /// niceness needs no privilege.
    static func lowerThreadPriority() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }
}
