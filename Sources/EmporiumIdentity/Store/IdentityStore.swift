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
enum RefreshOutcome: Sendable {
    /// The token was live and is now spent; continue the family.
    case rotated(userId: String, familyId: String)
    /// The token was already spent or revoked: its whole family is now revoked.
    case reused
    /// Unknown or expired.
    case invalid
}

/// Identity's data. One SQL implementation serves SQLite and PostgreSQL.
protocol IdentityStore: Sendable {
    /// Throws a 409 problem when the email is taken.
    func createUser(email: String, name: String, passwordHash: String, roles: [String], now: Date) async throws -> User
    func user(emailKey: String) async throws -> StoredUser?
    func user(id: String) async throws -> User?

    func insertRefreshToken(hash: String, familyId: String, userId: String, now: Date, expiresAt: Date) async throws
    /// Spends a live token atomically (two concurrent refreshes: one wins), or revokes
    /// the family of a token presented again.
    func spendRefreshToken(hash: String, now: Date) async throws -> RefreshOutcome
    func revokeFamily(ofTokenHash hash: String, now: Date) async throws

    func signingKeys() async throws -> [SigningKeyRecord]
    func insertSigningKey(_ key: SigningKeyRecord) async throws
    /// Makes `key` current: every other unretired key is retired now.
    func rotate(to key: SigningKeyRecord, now: Date) async throws

    /// Failures for each subject since `since`: how many and the oldest.
    func recentFailures(subjects: [String], since: Date) async throws -> [String: (count: Int, oldest: Date)]
    func recordFailure(subjects: [String], now: Date, forgetBefore: Date) async throws
    func clearFailures(subject: String) async throws
}
