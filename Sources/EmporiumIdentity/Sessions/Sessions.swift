import Crypto
import EmporiumCore
import Foundation
import HTTPTypes
import Logging
import Metrics
import Synchronization

/// Accounts and sessions: registration, login (with lockout), refresh-token rotation with
/// reuse detection, logout.
final class Sessions: Sendable {
    let store: any IdentityStore
    let keys: KeyRing
    let hasher: any PasswordHashing
    let settings: IdentitySettings
    /// Every bcrypt call on a request path goes through it (register and login share it).
    let gate: BcryptGate
    /// A hash of a random password at the configured cost: logins for unknown emails verify
    /// against it, so they take as long as a wrong password and reveal nothing.
    private let dummyHash = Mutex<String?>(nil)

    init(
        store: any IdentityStore, keys: KeyRing, hasher: any PasswordHashing, settings: IdentitySettings,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.store = store
        self.keys = keys
        self.hasher = hasher
        self.settings = settings
        self.gate = BcryptGate(concurrency: settings.bcryptConcurrency, queue: settings.bcryptQueue, maxWait: settings.bcryptMaxWait, metrics: metrics)
    }

    /// Start-up: keys loaded (or made), the dummy hash computed, the admin created if asked.
    func prepare(logger: Logger) async throws {
        try await self.keys.load()
        let dummy = try await self.hasher.hash(Self.randomToken())
        self.dummyHash.withLock { $0 = dummy }
        if let email = self.settings.adminEmail, let password = self.settings.adminPassword,
            try await self.store.user(emailKey: EmailAddress.normalize(email)) == nil
        {
            let (email, name) = try Self.validate(email: email, password: password, name: "Administrator")
            _ = try await self.store.createUser(
                email: email, name: name, passwordHash: try await self.hasher.hash(password),
                roles: [Role.customer.rawValue, Role.admin.rawValue], now: Date()
            )
            logger.notice("Created the admin account from EMPORIUM_ADMIN_EMAIL", metadata: ["user.email": "\(email)"])
        }
    }

    func register(email: String, password: String, name: String, clientAddress: String? = nil) async throws -> Session {
        let (email, name) = try Self.validate(email: email, password: password, name: name)
        // A registration bcrypt cannot take now is refused before it costs a database write.
        try self.gate.checkRoom(.register)
        var attempt: String?
        if let clientAddress {
            // Registrations cost a bcrypt hash each: one address gets a handful per window.
            let id = Identifier.make(prefix: "att")
            let now = Date()
            let limit = AttemptLimit(subject: "register:" + clientAddress, limit: self.settings.registerAddressLimit)
            if case .refused(_, let oldest) = try await self.store.reserveAttempt(id: id, limits: [limit], now: now, since: self.windowStart(now)) {
                throw self.tooManyAttempts(oldest: oldest, now: now, detail: "Too many registrations from this address")
            }
            attempt = id
        }
        let hash: String
        do {
            hash = try await self.gate.run(.register) { try await self.hasher.hash(password) }
        } catch {
            // Refused before any work (bcrypt busy): it does not count against the address.
            if let attempt { try? await self.store.releaseAttempt(id: attempt) }
            throw error
        }
        let user = try await self.store.createUser(email: email, name: name, passwordHash: hash, roles: [Role.customer.rawValue], now: Date())
        return try await self.issueSession(for: user, familyId: Identifier.make(prefix: "fam"))
    }

    func login(email: String, password: String, clientAddress: String?) async throws -> Session {
        let emailKey = EmailAddress.normalize(email)
        // Nothing registration could have accepted can match: wrong, before the store or
        // bcrypt (which would compare only the first 72 bytes of a longer password).
        guard emailKey.utf8.count <= EmailAddress.maxBytes, PasswordPolicy.canMatch(password) else {
            throw IdentityError.wrongCredentials
        }
        // A login bcrypt cannot take now is refused before it costs a database write (and
        // before it could count as a failure).
        try self.gate.checkRoom(.login)
        let now = Date()
        let emailSubject = "email:" + emailKey
        var limits = [AttemptLimit(subject: emailSubject, limit: self.settings.emailFailureLimit)]
        if let clientAddress { limits.append(AttemptLimit(subject: "addr:" + clientAddress, limit: self.settings.addressFailureLimit)) }
        // The attempt is recorded as a failure before bcrypt runs, atomically with the count:
        // a burst of parallel guesses cannot all pass the check before any is recorded.
        let attempt = Identifier.make(prefix: "att")
        if case .refused(_, let oldest) = try await self.store.reserveAttempt(id: attempt, limits: limits, now: now, since: self.windowStart(now)) {
            throw self.tooManyAttempts(oldest: oldest, now: now, detail: "Too many failed logins")
        }
        let stored: StoredUser?
        let matches: Bool
        do {
            stored = try await self.store.user(emailKey: emailKey)
            let hash = stored?.passwordHash ?? self.dummyHash.withLock { $0 } ?? ""
            matches = try await self.gate.run(.login) { try await self.hasher.verify(password, hash: hash) }
        } catch {
            // No verdict on the password (bcrypt busy, store down): the attempt does not count.
            // A failed release leaves one extra failure in the window, the safe side.
            try? await self.store.releaseAttempt(id: attempt)
            throw error
        }
        // A wrong password keeps its reservation: that row is the recorded failure.
        guard let stored, matches else { throw IdentityError.wrongCredentials }
        try await self.store.attemptSucceeded(id: attempt, clearing: emailSubject)
        return try await self.issueSession(for: stored.user, familyId: Identifier.make(prefix: "fam"))
    }

    private func windowStart(_ now: Date) -> Date {
        now.addingTimeInterval(-Double(self.settings.failureWindow.components.seconds))
    }

    private func tooManyAttempts(oldest: Date, now: Date, detail: String) -> IdentityError {
        let window = Double(self.settings.failureWindow.components.seconds)
        let retryAfter = max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
        return .tooManyAttempts(reason: detail, retryAfterSeconds: retryAfter)
    }

    func refresh(token: String) async throws -> Session {
        let now = Date()
        let successor = Self.randomToken()
        let outcome = try await self.store.rotateRefreshToken(
            hash: Self.hash(token), successorHash: Self.hash(successor), now: now, expiresAt: self.refreshExpiry(from: now)
        )
        switch outcome {
        case .rotated(let userId, _):
            guard let user = try await self.store.user(id: userId) else { throw IdentityError.refreshTokenInvalid }
            return try await self.session(for: user, refreshToken: successor, now: now)
        case .reused:
            throw IdentityError.refreshTokenReused
        case .invalid:
            throw IdentityError.refreshTokenInvalid
        }
    }

    func logout(token: String) async throws {
        try await self.store.revokeFamily(ofTokenHash: Self.hash(token), now: Date())
    }

    /// The trimmed email and name, or a 422 listing every invalid field (before any store
    /// query or bcrypt).
    private static func validate(email: String, password: String, name: String) throws -> (email: String, name: String) {
        var errors: [FieldError] = []
        let trimmedEmail = email.trimmingCharacters(in: .whitespacesAndNewlines)
        if !EmailAddress.isValid(trimmedEmail) {
            errors.append(FieldError(field: "email", message: "must be an email address of at most 254 bytes"))
        }
        if let problem = PasswordPolicy.check(password) { errors.append(problem) }
        let trimmedName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmedName.isEmpty || trimmedName.count > 100 {
            errors.append(FieldError(field: "name", message: "must be 1 to 100 characters"))
        }
        if !errors.isEmpty { throw IdentityError.invalid(errors) }
        return (trimmedEmail, trimmedName)
    }

    private func refreshExpiry(from now: Date) -> Date {
        now.addingTimeInterval(Double(self.settings.refreshTokenTTL.components.seconds))
    }

    /// A new family: its first refresh token stored, then the session.
    private func issueSession(for user: User, familyId: String) async throws -> Session {
        let now = Date()
        let refreshToken = Self.randomToken()
        try await self.store.insertRefreshToken(
            hash: Self.hash(refreshToken), familyId: familyId, userId: user.id, now: now, expiresAt: self.refreshExpiry(from: now)
        )
        return try await self.session(for: user, refreshToken: refreshToken, now: now)
    }

    private func session(for user: User, refreshToken: String, now: Date) async throws -> Session {
        let claims = AccessTokenClaims(
            userId: user.id, roles: user.roles, issuedAt: now, lifetime: self.settings.accessTokenTTL, id: Identifier.make(prefix: "jti")
        )
        let accessToken = try await self.keys.sign(claims)
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
        Hex.encode(SHA256.hash(data: Data(token.utf8)))
    }
}
