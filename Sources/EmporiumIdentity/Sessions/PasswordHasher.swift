import HummingbirdBcrypt
import NIOPosix

/// What sessions need from bcrypt; a protocol so tests can count (or slow down) the calls
/// that reach it.
protocol PasswordHashing: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, hash: String) async throws -> Bool
}

/// bcrypt on a thread pool, never on an event loop: a burst of logins (each ~50–100 ms of
/// CPU at cost 10) must not stall other requests.
struct PasswordHasher: PasswordHashing {
    let cost: Int
    let threadPool: NIOThreadPool

    init(cost: Int, threadPool: NIOThreadPool = .singleton) {
        self.cost = cost
        self.threadPool = threadPool
    }

    func hash(_ password: String) async throws -> String {
        let cost = UInt8(self.cost)
        return try await self.threadPool.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await self.threadPool.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
