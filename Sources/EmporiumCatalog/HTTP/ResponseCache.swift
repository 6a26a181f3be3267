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
final class ResponseCache: Sendable {
    struct Representation: Sendable {
        /// nil: the resource does not exist (a 404 is worth caching too). A `ByteBuffer`
        /// so every response shares the cached bytes instead of copying them.
        let body: ByteBuffer?
        let etag: String?

        init(body: Data?, etag: String?) {
            self.body = body.map { ByteBuffer(bytes: $0) }
            self.etag = etag
        }
    }

    private struct State {
        var entries: [String: Representation] = [:]
        var revision: Int?
        var checkedAt: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let store: any CatalogStore
    private let maxAge: Duration
    private let capacity: Int

    init(store: any CatalogStore, maxAge: Duration = .milliseconds(250), capacity: Int = 20_000) {
        self.store = store
        self.maxAge = maxAge
        self.capacity = capacity
    }

    func representation(for key: String, load: () async throws -> Representation) async throws -> Representation {
        let now = ContinuousClock.now
        // One lock round trip on the hot path: a fresh revision and a hit.
        let (hit, knownRevision) = self.state.withLock { state -> (Representation?, Int?) in
            guard let checkedAt = state.checkedAt, now - checkedAt < self.maxAge else { return (nil, nil) }
            return (state.entries[key], state.revision)
        }
        if let hit { return hit }
        let revision: Int
        if let knownRevision {
            revision = knownRevision
        } else {
            revision = try await self.refreshRevision(now: now)
            if let hit = self.state.withLock({ $0.revision == revision ? $0.entries[key] : nil }) {
                return hit
            }
        }
        let value = try await load()
        self.state.withLock { state in
            // Only keep it if nothing newer was seen meanwhile.
            guard state.revision == revision else { return }
            if state.entries.count >= self.capacity {
                state.entries.removeAll(keepingCapacity: true)
            }
            state.entries[key] = value
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
                state.entries.removeAll(keepingCapacity: true)
                state.revision = revision
            }
            state.checkedAt = now
        }
        return revision
    }
}
