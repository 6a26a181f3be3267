import EmporiumCore
import Foundation
import NIOCore
import Synchronization

/// Encoded catalog responses (product detail with its ETag, list pages, categories), reused
/// until the catalog changes. The catalog is read far more than it is written, so a hit
/// skips the database and the JSON encoder entirely.
///
/// Freshness comes from the store's revision, which every write bumps in its own
/// transaction: entries are tagged with the revision read *before* they were loaded and
/// dropped once it moves. The revision itself is re-read at most every `maxAge`, so another
/// instance's write shows here within that time; this instance's own writes call
/// `invalidate()` and show at once.
///
/// Memory is bounded by bytes, not entries: anyone can send unique URLs (searches, pages),
/// so the least recently used responses make room for new ones and the total never passes
/// `byteLimit`. Callers only ask to keep canonical answers that exist (see
/// `Representation.keep`): a 404 or a made-up category costs a read, never a cache slot.
final class ResponseCache: Sendable {
    struct Representation: Sendable {
        /// nil: the resource does not exist. A `ByteBuffer` so every response shares the
        /// cached bytes instead of copying them.
        let body: ByteBuffer?
        let etag: String?
        /// Whether this answer may be cached: false for misses (unknown ids or categories),
        /// which would let a flood of made-up URLs push real answers out.
        let keep: Bool

        init(body: Data?, etag: String?, keep: Bool = true) {
            self.body = body.map { ByteBuffer(bytes: $0) }
            self.etag = etag
            self.keep = keep && body != nil
        }

        /// What an entry costs: its bytes plus a fixed allowance for the key, the tag and
        /// the bookkeeping around them.
        func cost(key: String) -> Int {
            (self.body?.readableBytes ?? 0) + key.utf8.count + (self.etag?.utf8.count ?? 0) + 128
        }
    }

    private struct State {
        var entries: ByteBoundedLRU<String, Representation>
        var revision: Int?
        var checkedAt: ContinuousClock.Instant?
    }

    /// Enough for every product of a large demo catalog and its first pages several times
    /// over; a flood of unique URLs recycles it instead of growing it.
    static let defaultByteLimit = 32 << 20

    private let state: Mutex<State>
    private let store: any CatalogStore
    private let maxAge: Duration

    init(store: any CatalogStore, maxAge: Duration = .milliseconds(250), byteLimit: Int = ResponseCache.defaultByteLimit) {
        self.store = store
        self.maxAge = maxAge
        self.state = Mutex(State(entries: ByteBoundedLRU(costLimit: byteLimit)))
    }

    /// What the cached entries cost together (bytes), and how many there are: for tests and
    /// capacity planning.
    var usage: (bytes: Int, entries: Int, limit: Int) {
        self.state.withLock { ($0.entries.totalCost, $0.entries.count, $0.entries.costLimit) }
    }

    func representation(for key: String, load: () async throws -> Representation) async throws -> Representation {
        let now = ContinuousClock.now
        // One lock round trip on the hot path: a fresh revision and a hit.
        let (hit, knownRevision) = self.state.withLock { state -> (Representation?, Int?) in
            guard let checkedAt = state.checkedAt, now - checkedAt < self.maxAge else { return (nil, nil) }
            return (state.entries.get(key), state.revision)
        }
        if let hit { return hit }
        let revision: Int
        if let knownRevision {
            revision = knownRevision
        } else {
            revision = try await self.refreshRevision(now: now)
            if let hit = self.state.withLock({ $0.revision == revision ? $0.entries.get(key) : nil }) {
                return hit
            }
        }
        let value = try await load()
        guard value.keep else { return value }
        self.state.withLock { state in
            // Only keep it if nothing newer was seen meanwhile.
            guard state.revision == revision else { return }
            state.entries.put(key, value, cost: value.cost(key: key))
        }
        return value
    }

    /// Called after this instance committed a write.
    func invalidate() {
        self.state.withLock { $0.checkedAt = nil }
    }

    private func refreshRevision(now: ContinuousClock.Instant) async throws -> Int {
        let revision = try await self.store.revision()
        self.state.withLock { state in
            if state.revision != revision {
                state.entries.removeAll()
                state.revision = revision
            }
            state.checkedAt = now
        }
        return revision
    }
}
