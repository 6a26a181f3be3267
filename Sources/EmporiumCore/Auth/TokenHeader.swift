import Foundation

/// The `kid` a compact JWS names in its header, read by us rather than by jwt-kit: for a
/// `kid` it does not know, jwt-kit quietly falls back to its default key, so a token signed
/// with a key rotated in elsewhere would just fail its signature check instead of prompting
/// a reload of the keys.
public enum TokenHeader {
    /// The header's `kid`, or nil when the token is not `header.payload.signature`, the header
    /// is not base64url JSON, or it names no `kid` (a token without one is refused).
    public static func kid(of token: String) -> String? {
        guard let end = token.firstIndex(of: "."), token.distance(from: token.startIndex, to: end) <= 4096 else { return nil }
        var base64 = token[..<end].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let header = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let kid = header["kid"] as? String, !kid.isEmpty
        else { return nil }
        return kid
    }
}

/// Why a token's key could not be found: no `kid`, or one that is still unknown after a reload.
public enum SigningKeyLookupError: Error, Equatable {
    case missingKid
    case unknownKid(String)
}

/// Reloads of a key set asked for by requests that found an unknown `kid`. Requests that ask
/// while a reload is scheduled but not yet started share it (a burst is one reload); a
/// reload starts no sooner than `minimumInterval` after the previous one started, so
/// made-up kids cannot turn every request into a query; a request that asks too soon waits
/// for that next slot instead of being refused (a real rotation then costs at most a short
/// wait, never a 401). A reload that had already started when a request asked is not shared
/// with it: it may have read the keys before the rotation that request's token comes from.
public actor ReloadCoalescer {
    private let minimumInterval: Duration
    private var scheduled: Task<Void, any Error>?
    private var lastStarted: ContinuousClock.Instant?

    public init(minimumInterval: Duration) {
        self.minimumInterval = minimumInterval
    }

    /// Runs `reload` (or joins the scheduled one) and returns when it has finished.
    public func reload(_ reload: @escaping @Sendable () async throws -> Void) async throws {
        if let scheduled = self.scheduled {
            return try await scheduled.value
        }
        let delay = self.lastStarted.map { self.minimumInterval - (ContinuousClock.now - $0) } ?? .zero
        let task = Task {
            if delay > .zero { try await Task.sleep(for: delay) }
            // From here on, later requests schedule the next reload.
            self.scheduled = nil
            self.lastStarted = .now
            try await reload()
        }
        self.scheduled = task
        try await task.value
    }
}
