public import EmporiumCore
public import Foundation

/// A stored user with its password hash (never leaves the identity service).
struct StoredUser: Sendable {
    var user: User
    var passwordHash: String
}

/// A signing key as stored: the Ed25519 private key (raw, base64) and its life.
struct SigningKeyRecord: Sendable {
    var kid: String
    var privateKey: String
    var createdAt: Date
    var retiredAt: Date?
}

/// What a refresh attempt found.
enum RefreshOutcome: Sendable, Equatable {
    /// The token was live and is now spent; continue the family.
    case rotated(userId: String, familyId: String)
    /// The token was already spent or revoked: its whole family is now revoked.
    case reused
    /// Unknown or expired.
    case invalid
}

/// A limit on attempts for one subject (`email:…`, `addr:…`, `register:…`) in the window.
struct AttemptLimit: Sendable {
    var subject: String
    var limit: Int
}

/// What reserving an attempt found.
enum AttemptReservation: Sendable, Equatable {
    case reserved
    /// `subject` already has `limit` attempts in the window; the oldest is `oldest`.
    case refused(subject: String, oldest: Date)
}

/// Identity's data. One SQL implementation serves SQLite and PostgreSQL.
protocol IdentityStore: Sendable {
    /// Throws a 409 problem when the email is taken.
    func createUser(email: String, name: String, passwordHash: String, roles: [String], now: Date) async throws -> User
    func user(emailKey: String) async throws -> StoredUser?
    func user(id: String) async throws -> User?

    func insertRefreshToken(hash: String, familyId: String, userId: String, now: Date, expiresAt: Date) async throws
    /// Spends a live token and inserts its successor (`successorHash`, same family) in one
    /// transaction (two concurrent refreshes: one wins; a failure leaves neither), or
    /// revokes the family of a token presented again.
    func rotateRefreshToken(hash: String, successorHash: String, now: Date, expiresAt: Date) async throws -> RefreshOutcome
    func revokeFamily(ofTokenHash hash: String, now: Date) async throws

    func signingKeys() async throws -> [SigningKeyRecord]
    func insertSigningKey(_ key: SigningKeyRecord) async throws
    /// Makes `key` current: every other unretired key is retired now.
    func rotate(to key: SigningKeyRecord, now: Date) async throws

    /// Reserves one attempt (a login, a registration) against every limit in `limits`,
    /// atomically: the rows in the window are counted and this attempt's rows inserted in
    /// one transaction, serialised per subject, so a burst cannot all pass the check before
    /// any of it is recorded. Rows older than `since` are forgotten on the way.
    func reserveAttempt(id: String, limits: [AttemptLimit], now: Date, since: Date) async throws -> AttemptReservation
    /// Takes back a reservation whose attempt never reached a verdict (bcrypt queue full).
    func releaseAttempt(id: String) async throws
    /// A login succeeded: the email's failures are forgiven and this attempt's other rows
    /// (the address's) removed, in one transaction.
    func attemptSucceeded(id: String, clearing subject: String) async throws
    /// Deletes attempt rows older than `attemptsBefore` and refresh tokens expired by `now`.
    func purgeExpired(attemptsBefore: Date, now: Date) async throws -> Int
}
