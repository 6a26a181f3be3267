public import Foundation
import SQLKit

/// Stored answers to requests sent with an `Idempotency-Key`, in the owning service's own
/// database (so every instance sees them), scoped per user (another user's identical key
/// is a different request): the first request claims the key in one
/// statement, and its status and body are kept, with a fingerprint of the request, for a
/// day. A crashed request's claim lapses after a lease, so a retry can take over.
public struct IdempotencyStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// The table, for the owning service's migrations.
    public static func migration(version: Int) -> Migration {
        Migration(version: version, name: "idempotency keys") { _ in
            [
                """
                CREATE TABLE idempotency_keys (
                    scope TEXT NOT NULL,
                    key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    status INTEGER,
                    content_type TEXT,
                    body TEXT,
                    locked_until BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (scope, key)
                )
                """,
                "CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at)",
            ]
        }
    }

    /// The column for the answer's headers that a replay must repeat (`Location`,
    /// `Retry-After`), and keyed fingerprints: the keys stored before held plain SHA-256
    /// fingerprints of whole bodies, card numbers included, so they are deleted (a retry of
    /// a checkout still finds its order by the key the order itself keeps).
    /// Every service using `migration(version:)` adds this as a later version.
    public static func headersMigration(version: Int) -> Migration {
        Migration(version: version, name: "idempotency key headers, keyed fingerprints") { _ in
            [
                "ALTER TABLE idempotency_keys ADD COLUMN headers TEXT",
                "DELETE FROM idempotency_keys",
            ]
        }
    }

    public struct StoredResponse: Sendable, Equatable {
        public var status: Int
        public var contentType: String?
        public var body: String
        /// Header name (lowercased) to value; what a replay sends besides the body.
        public var headers: [String: String]

        public init(status: Int, contentType: String?, body: String, headers: [String: String] = [:]) {
            self.status = status
            self.contentType = contentType
            self.body = body
            self.headers = headers
        }
    }

    public enum Claim: Sendable, Equatable {
        /// This request owns the key: run it, then `complete` or `abandon`.
        case claimed
        /// The key's first request finished: answer with its response.
        case replay(StoredResponse)
        /// The key was used for a different request.
        case mismatch
        /// The key's first request is still running.
        case inFlight
    }

    public func claim(scope: String, key: String, fingerprint: String, now: Date, retention: Duration, lease: Duration) async throws -> Claim {
        let stamp = Timestamp.micros(now)
        let lockedUntil = stamp + Self.micros(lease)
        let expiresAt = stamp + Self.micros(retention)
        // The common case, a key's first request, is this one INSERT on its own; only a key
        // already there needs the transaction below (which starts with the same INSERT, in
        // case the row was purged meanwhile).
        let claimed = try await self.database.writeStatement { sql in
            try await sql.raw(
                """
                INSERT INTO idempotency_keys (scope, key, fingerprint, locked_until, expires_at, created_at)
                VALUES (\(bind: scope), \(bind: key), \(bind: fingerprint), \(bind: lockedUntil), \(bind: expiresAt), \(bind: stamp))
                ON CONFLICT (scope, key) DO NOTHING RETURNING key
                """
            ).first() != nil
        }
        if claimed { return .claimed }
        return try await self.database.write { sql in
            let inserted = try await sql.raw(
                """
                INSERT INTO idempotency_keys (scope, key, fingerprint, locked_until, expires_at, created_at)
                VALUES (\(bind: scope), \(bind: key), \(bind: fingerprint), \(bind: lockedUntil), \(bind: expiresAt), \(bind: stamp))
                ON CONFLICT (scope, key) DO NOTHING RETURNING key
                """
            ).first()
            if inserted != nil { return .claimed }
            guard let row = try await sql.raw(
                "SELECT fingerprint, status, content_type, body, headers, locked_until, expires_at FROM idempotency_keys WHERE scope = \(bind: scope) AND key = \(bind: key)"
            ).first() else {
                return .inFlight  // purged between the two statements; the caller may retry
            }
            let storedFingerprint = try row.decode(column: "fingerprint", as: String.self)
            let status = try row.decode(column: "status", as: Int?.self)
            let expired = try row.decode(column: "expires_at", as: Int.self) <= stamp
            let lapsed = try status == nil && row.decode(column: "locked_until", as: Int.self) <= stamp
            if expired || (lapsed && storedFingerprint == fingerprint) {
                // An expired key starts over; a crashed first attempt is taken over. The
                // condition re-checks, so two takers cannot both win.
                let taken = try await sql.raw(
                    """
                    UPDATE idempotency_keys SET fingerprint = \(bind: fingerprint), status = NULL, content_type = NULL, body = NULL, headers = NULL,
                        locked_until = \(bind: lockedUntil), expires_at = \(bind: expiresAt), created_at = \(bind: stamp)
                    WHERE scope = \(bind: scope) AND key = \(bind: key) AND (expires_at <= \(bind: stamp) OR (status IS NULL AND locked_until <= \(bind: stamp)))
                    RETURNING key
                    """
                ).first()
                return taken != nil ? .claimed : .inFlight
            }
            guard storedFingerprint == fingerprint else { return .mismatch }
            guard let status else { return .inFlight }
            return .replay(
                StoredResponse(
                    status: status,
                    contentType: try row.decode(column: "content_type", as: String?.self),
                    body: try row.decode(column: "body", as: String?.self) ?? "",
                    headers: Self.decodeHeaders(try row.decode(column: "headers", as: String?.self))
                )
            )
        }
    }

    /// Records the claimed request's answer, unless the key already has one. Also when the
    /// claim is gone: a request that outran its lease can find its claim taken over by a
    /// retry that then gave it up (`abandon`: its own answer was "not yet"); the answer of
    /// the request that did the work is still the key's answer.
    public func complete(scope: String, key: String, fingerprint: String, response: StoredResponse, now: Date, retention: Duration) async throws {
        let stamp = Timestamp.micros(now)
        try await self.database.writeStatement { sql in
            try await sql.raw(
                """
                INSERT INTO idempotency_keys (scope, key, fingerprint, status, content_type, body, headers, locked_until, expires_at, created_at)
                VALUES (\(bind: scope), \(bind: key), \(bind: fingerprint), \(bind: response.status), \(bind: response.contentType), \(bind: response.body),
                    \(bind: Self.encodeHeaders(response.headers)), \(bind: stamp), \(bind: stamp + Self.micros(retention)), \(bind: stamp))
                ON CONFLICT (scope, key) DO UPDATE SET status = excluded.status, content_type = excluded.content_type, body = excluded.body,
                    headers = excluded.headers
                WHERE idempotency_keys.fingerprint = excluded.fingerprint AND idempotency_keys.status IS NULL
                """
            ).run()
        }
    }

    /// Gives up a claim whose request failed without an answer worth keeping (a 5xx), so a
    /// retry runs it again.
    public func abandon(scope: String, key: String, fingerprint: String) async throws {
        try await self.database.writeStatement { sql in
            try await sql.raw(
                "DELETE FROM idempotency_keys WHERE scope = \(bind: scope) AND key = \(bind: key) AND fingerprint = \(bind: fingerprint) AND status IS NULL"
            ).run()
        }
    }

    /// Deletes expired keys; returns how many.
    public func purgeExpired(now: Date) async throws -> Int {
        try await self.database.write { sql in
            try await sql.raw("DELETE FROM idempotency_keys WHERE expires_at <= \(bind: Timestamp.micros(now)) RETURNING key").all().count
        }
    }

    static func encodeHeaders(_ headers: [String: String]) -> String? {
        guard !headers.isEmpty, let data = try? JSONEncoder().encode(headers) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func decodeHeaders(_ text: String?) -> [String: String] {
        guard let text, let headers = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)) else { return [:] }
        return headers
    }

    static func micros(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000)
    }
}
