import Crypto
import EmporiumCore
import Foundation
import HTTPTypes
import Logging
import Synchronization

/// Accounts and sessions: registration, login (with lockout), refresh-token rotation with
/// reuse detection, logout.
final class SessionService: Sendable {
    let store: any IdentityStore
    let keys: KeyRing
    let hasher: PasswordHasher
    let settings: IdentitySettings
    /// A hash of a random password at the configured cost: logins for unknown emails verify
    /// against it, so they take as long as a wrong password and reveal nothing.
    private let dummyHash = Mutex<String?>(nil)

    init(store: any IdentityStore, keys: KeyRing, hasher: PasswordHasher, settings: IdentitySettings) {
        self.store = store
        self.keys = keys
        self.hasher = hasher
        self.settings = settings
    }

    /// Start-up: keys loaded (or made), the dummy hash computed, the admin created if asked.
    func prepare(logger: Logger) async throws {
        try await self.keys.load()
        let dummy = try await self.hasher.hash(Self.randomToken())
        self.dummyHash.withLock { $0 = dummy }
        if let email = self.settings.adminEmail, let password = self.settings.adminPassword,
            try await self.store.user(emailKey: EmailAddress.normalize(email)) == nil
        {
            _ = try await self.createUser(email: email, password: password, name: "Administrator", roles: [Role.customer.rawValue, Role.admin.rawValue])
            logger.notice("Created the admin account from EMPORIUM_ADMIN_EMAIL", metadata: ["user.email": "\(email)"])
        }
    }

    func register(email: String, password: String, name: String) async throws -> Session {
        let user = try await self.createUser(email: email, password: password, name: name, roles: [Role.customer.rawValue])
        return try await self.issueSession(for: user, familyId: Identifier.make(prefix: "fam"))
    }

    func login(email: String, password: String, clientAddress: String?) async throws -> Session {
        let now = Date()
        let emailSubject = "email:" + EmailAddress.normalize(email)
        var subjects = [emailSubject]
        if let clientAddress { subjects.append("addr:" + clientAddress) }
        let window = Double(self.settings.failureWindow.components.seconds)
        let recent = try await self.store.recentFailures(subjects: subjects, since: now.addingTimeInterval(-window))
        for (subject, limit) in [(emailSubject, self.settings.emailFailureLimit), ("addr:" + (clientAddress ?? ""), self.settings.addressFailureLimit)] {
            if let failures = recent[subject], failures.count >= limit {
                let retryAfter = max(1, Int((failures.oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
                throw Problem(
                    status: .tooManyRequests,
                    slug: "too-many-attempts",
                    title: "Too Many Requests",
                    detail: "Too many failed logins; try again in \(retryAfter) seconds.",
                    headers: [.retryAfter: String(retryAfter)]
                )
            }
        }
        let stored = try await self.store.user(emailKey: EmailAddress.normalize(email))
        let hash = stored?.passwordHash ?? self.dummyHash.withLock { $0 } ?? ""
        let matches = try await self.hasher.verify(password, hash: hash)
        guard let stored, matches else {
            try await self.store.recordFailure(subjects: subjects, now: now, forgetBefore: now.addingTimeInterval(-window))
            throw Problem.unauthorized("The email or password is wrong.")
        }
        try await self.store.clearFailures(subject: emailSubject)
        return try await self.issueSession(for: stored.user, familyId: Identifier.make(prefix: "fam"))
    }

    func refresh(token: String) async throws -> Session {
        switch try await self.store.spendRefreshToken(hash: Self.hash(token), now: Date()) {
        case .rotated(let userId, let familyId):
            guard let user = try await self.store.user(id: userId) else { throw Problem.unauthorized("The refresh token is not valid.") }
            return try await self.issueSession(for: user, familyId: familyId)
        case .reused:
            throw Problem.unauthorized("The refresh token was already used; every session from that login has been signed out.")
        case .invalid:
            throw Problem.unauthorized("The refresh token is not valid.")
        }
    }

    func logout(token: String) async throws {
        try await self.store.revokeFamily(ofTokenHash: Self.hash(token), now: Date())
    }

    private func createUser(email: String, password: String, name: String, roles: [String]) async throws -> User {
        var errors: [FieldError] = []
        let trimmedEmail = email.trimmingCharacters(in: .whitespacesAndNewlines)
        if !EmailAddress.isValid(trimmedEmail) {
            errors.append(FieldError(field: "email", message: "must be an email address"))
        }
        if let problem = PasswordPolicy.check(password) { errors.append(problem) }
        let trimmedName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmedName.isEmpty || trimmedName.count > 100 {
            errors.append(FieldError(field: "name", message: "must be 1 to 100 characters"))
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let hash = try await self.hasher.hash(password)
        return try await self.store.createUser(email: trimmedEmail, name: trimmedName, passwordHash: hash, roles: roles, now: Date())
    }

    private func issueSession(for user: User, familyId: String) async throws -> Session {
        let now = Date()
        let claims = AccessTokenClaims(
            userId: user.id, roles: user.roles, issuedAt: now, lifetime: self.settings.accessTokenTTL, id: Identifier.make(prefix: "jti")
        )
        let accessToken = try await self.keys.sign(claims)
        let refreshToken = Self.randomToken()
        let expiresAt = now.addingTimeInterval(Double(self.settings.refreshTokenTTL.components.seconds))
        try await self.store.insertRefreshToken(hash: Self.hash(refreshToken), familyId: familyId, userId: user.id, now: now, expiresAt: expiresAt)
        return Session(user: user, accessToken: accessToken, refreshToken: refreshToken, expiresIn: Int(self.settings.accessTokenTTL.components.seconds))
    }

    /// 256 random bits, base64url: refresh tokens are opaque and unguessable.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Base64URL.encode(Data(bytes))
    }

    /// Refresh tokens are stored only as SHA-256 hashes: a leaked table grants nothing.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
