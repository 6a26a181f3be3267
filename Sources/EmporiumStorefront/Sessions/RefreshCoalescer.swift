import EmporiumClients
import Foundation
import Synchronization

/// Refreshes each refresh token once. Identity spends a refresh token on use and treats a
/// second use as theft (it revokes the whole session); a browser that loads two pages at
/// once would send the same expired session twice. The second request here waits for the
/// first one's refresh and shares its answer instead of spending the token again. Answers
/// are kept a minute, for requests that arrive just after.
final class RefreshCoalescer: Sendable {
    private struct Entry {
        let task: Task<ShopperSession, any Error>
        let started: ContinuousClock.Instant
    }

    private let identity: any IdentityPeer
    private let entries = Mutex<[String: Entry]>([:])
    private let keep: Duration = .seconds(60)

    init(identity: any IdentityPeer) {
        self.identity = identity
    }

    func refresh(_ refreshToken: String) async throws -> ShopperSession {
        let now = ContinuousClock.now
        let task = self.entries.withLock { entries in
            entries = entries.filter { now - $0.value.started < self.keep }
            if let entry = entries[refreshToken] { return entry.task }
            let identity = self.identity
            let task = Task { try await identity.refresh(refreshToken: refreshToken) }
            entries[refreshToken] = Entry(task: task, started: now)
            return task
        }
        return try await task.value
    }
}
