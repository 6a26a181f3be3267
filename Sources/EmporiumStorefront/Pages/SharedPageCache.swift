import Foundation
import NIOCore
import Synchronization

/// The catalog pages (home, categories, products, search) as every shopper sees them,
/// rendered once and kept a few seconds: the same for everyone but two slots, the
/// shopper's account links and their CSRF token, filled in per request. A full-page cache
/// with holes, as shops put Varnish with ESI in front of their catalog; here it is in the
/// process, so nothing else has to run.
///
/// A kept page is at most `lifetime` old: a price, a name or a stock level ("Only 3 left")
/// shows that much later. Checkout never reads it: prices and stock are checked there.
final class SharedPageCache: Sendable {
    /// A page cut at its slots.
    struct Shared: Sendable {
        enum Piece: Sendable {
            case text(String)
            case account
            case csrf
        }

        let status: Int
        let pieces: [Piece]
        let length: Int
    }

    /// What a page renders in place of each slot; `@` survives HTML escaping unchanged.
    static let accountSlot = "@@emporium-slot-account@@"
    static let csrfSlot = "@@emporium-slot-csrf@@"

    private struct Entry {
        let page: Shared
        let expires: ContinuousClock.Instant
    }

    let lifetime: Duration
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(lifetime: Duration = .seconds(3), capacity: Int = 2000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The page kept for `key`, or nil when there is none or it is too old.
    func page(_ key: String, now: ContinuousClock.Instant = .now) -> Shared? {
        self.entries.withLock { entries in
            guard let entry = entries[key], entry.expires > now else { return nil }
            return entry.page
        }
    }

    func keep(_ key: String, _ page: Shared, now: ContinuousClock.Instant = .now) {
        self.entries.withLock { entries in
            if entries.count >= self.capacity {
                entries = entries.filter { $0.value.expires > now }
                // Still full of fresh pages (a crawler walking every cursor): start over
                // rather than grow; a miss only costs a render.
                if entries.count >= self.capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = Entry(page: page, expires: now + self.lifetime)
        }
    }

    /// Cuts a page rendered with the slot markers into its pieces.
    static func cut(_ html: String, status: Int) -> Shared {
        var pieces: [Shared.Piece] = []
        var rest = Substring(html)
        while let range = rest.range(of: "@@emporium-slot-") {
            pieces.append(.text(String(rest[..<range.lowerBound])))
            let after = rest[range.lowerBound...]
            if after.hasPrefix(Self.accountSlot) {
                pieces.append(.account)
                rest = after.dropFirst(Self.accountSlot.count)
            } else if after.hasPrefix(Self.csrfSlot) {
                pieces.append(.csrf)
                rest = after.dropFirst(Self.csrfSlot.count)
            } else {
                // Not a slot (catalog text that happens to look like one): keep it as text.
                pieces.append(.text(String(after.prefix(1))))
                rest = after.dropFirst()
            }
        }
        pieces.append(.text(String(rest)))
        return Shared(status: status, pieces: pieces, length: html.utf8.count)
    }

    /// The page for one shopper.
    static func fill(_ page: Shared, account: String, csrf: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(page.length + account.utf8.count)
        for piece in page.pieces {
            switch piece {
            case .text(let text): buffer.writeString(text)
            case .account: buffer.writeString(account)
            case .csrf: buffer.writeString(csrf)
            }
        }
        return buffer
    }
}
