import EmporiumCore
import Foundation
import SQLKit

/// `IdentityStore` over SQLKit: the same statements on SQLite and PostgreSQL.
struct SQLIdentityStore: IdentityStore {
    let database: any Database

    // MARK: Users

    func createUser(email: String, name: String, passwordHash: String, roles: [String], now: Date) async throws -> User {
        let user = User(id: Identifier.make(prefix: "usr"), email: email, name: name, roles: roles, createdAt: Timestamp.date(micros: Timestamp.micros(now)))
        do {
            try await self.database.write { sql in
                if try await sql.raw("SELECT id FROM users WHERE email_key = \(bind: EmailAddress.normalize(email))").first() != nil {
                    throw IdentityError.emailTaken
                }
                try await sql.raw(
                    """
                    INSERT INTO users (id, email_key, email, name, password_hash, roles, created_at)
                    VALUES (\(bind: user.id), \(bind: EmailAddress.normalize(email)), \(bind: email), \(bind: name),
                            \(bind: passwordHash), \(bind: roles.joined(separator: ",")), \(bind: Timestamp.micros(now)))
                    """
                ).run()
            }
        } catch let error where DatabaseErrors.isUniqueViolation(error) {
            throw IdentityError.emailTaken
        }
        return user
    }

    func user(emailKey: String) async throws -> StoredUser? {
        try await self.database.read { sql in
            try await sql.raw("SELECT * FROM users WHERE email_key = \(bind: emailKey)").first().map(Self.storedUser(from:))
        }
    }

    func user(id: String) async throws -> User? {
        try await self.database.read { sql in
            try await sql.raw("SELECT * FROM users WHERE id = \(bind: id)").first().map(Self.storedUser(from:))?.user
        }
    }

    static func storedUser(from row: any SQLRow) throws -> StoredUser {
        let roles = try row.decode(column: "roles", as: String.self).split(separator: ",").map(String.init)
        return StoredUser(
            user: User(
                id: try row.decode(column: "id", as: String.self),
                email: try row.decode(column: "email", as: String.self),
                name: try row.decode(column: "name", as: String.self),
                roles: roles,
                createdAt: Timestamp.date(micros: try row.decode(column: "created_at", as: Int.self))
            ),
            passwordHash: try row.decode(column: "password_hash", as: String.self)
        )
    }

    // MARK: Refresh tokens

    func insertRefreshToken(hash: String, familyId: String, userId: String, now: Date, expiresAt: Date) async throws {
        try await self.database.write { sql in
            try await Self.insertRefreshToken(hash: hash, familyId: familyId, userId: userId, now: now, expiresAt: expiresAt, sql: sql)
        }
    }

    static func insertRefreshToken(
        hash: String, familyId: String, userId: String, now: Date, expiresAt: Date, sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at)
            VALUES (\(bind: hash), \(bind: familyId), \(bind: userId), \(bind: Timestamp.micros(now)), \(bind: Timestamp.micros(expiresAt)))
            """
        ).run()
    }

    func rotateRefreshToken(hash: String, successorHash: String, now: Date, expiresAt: Date) async throws -> RefreshOutcome {
        let micros = Timestamp.micros(now)
        return try await self.database.write { sql in
            // One conditional UPDATE decides: of two concurrent refreshes only one matches.
            let spent = try await sql.raw(
                """
                UPDATE refresh_tokens SET spent_at = \(bind: micros)
                WHERE token_hash = \(bind: hash) AND spent_at IS NULL AND revoked_at IS NULL AND expires_at > \(bind: micros)
                RETURNING user_id, family_id
                """
            ).first()
            if let spent {
                let userId = try spent.decode(column: "user_id", as: String.self)
                let familyId = try spent.decode(column: "family_id", as: String.self)
                // The successor in the same transaction: a failure here rolls the spend back,
                // so no token is ever spent without one to continue the session.
                try await Self.insertRefreshToken(
                    hash: successorHash, familyId: familyId, userId: userId, now: now, expiresAt: expiresAt, sql: sql
                )
                return .rotated(userId: userId, familyId: familyId)
            }
            guard let row = try await sql.raw("SELECT family_id, spent_at, revoked_at FROM refresh_tokens WHERE token_hash = \(bind: hash)").first() else {
                return .invalid
            }
            let wasSpent = try row.decode(column: "spent_at", as: Int?.self) != nil
            let wasRevoked = try row.decode(column: "revoked_at", as: Int?.self) != nil
            guard wasSpent || wasRevoked else { return .invalid }
            // A spent token presented again means it leaked: end every session descended
            // from that login.
            let family = try row.decode(column: "family_id", as: String.self)
            try await sql.raw("UPDATE refresh_tokens SET revoked_at = \(bind: micros) WHERE family_id = \(bind: family) AND revoked_at IS NULL").run()
            return .reused
        }
    }

    func revokeFamily(ofTokenHash hash: String, now: Date) async throws {
        try await self.database.write { sql in
            try await sql.raw(
                """
                UPDATE refresh_tokens SET revoked_at = \(bind: Timestamp.micros(now))
                WHERE revoked_at IS NULL AND family_id IN (SELECT family_id FROM refresh_tokens WHERE token_hash = \(bind: hash))
                """
            ).run()
        }
    }

    // MARK: Signing keys

    func signingKeys() async throws -> [SigningKeyRecord] {
        try await self.database.read { sql in
            try await sql.raw("SELECT kid, private_key, created_at, retired_at FROM signing_keys ORDER BY created_at").all().map { row in
                SigningKeyRecord(
                    kid: try row.decode(column: "kid", as: String.self),
                    privateKey: try row.decode(column: "private_key", as: String.self),
                    createdAt: Timestamp.date(micros: try row.decode(column: "created_at", as: Int.self)),
                    retiredAt: try row.decode(column: "retired_at", as: Int?.self).map(Timestamp.date(micros:))
                )
            }
        }
    }

    func insertSigningKey(_ key: SigningKeyRecord) async throws {
        try await self.database.write { sql in
            try await Self.insert(key, sql: sql)
        }
    }

    func rotate(to key: SigningKeyRecord, now: Date) async throws {
        try await self.database.write { sql in
            try await sql.raw("UPDATE signing_keys SET retired_at = \(bind: Timestamp.micros(now)) WHERE retired_at IS NULL").run()
            try await Self.insert(key, sql: sql)
        }
    }

    static func insert(_ key: SigningKeyRecord, sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO signing_keys (kid, private_key, created_at)
            VALUES (\(bind: key.kid), \(bind: key.privateKey), \(bind: Timestamp.micros(key.createdAt)))
            """
        ).run()
    }

    // MARK: Attempts (login failures, registrations)

    func reserveAttempt(id: String, limits: [AttemptLimit], now: Date, since: Date) async throws -> AttemptReservation {
        let subjects = limits.map(\.subject)
        let kind = self.database.kind
        return try await self.database.write { sql in
            if kind == .postgres {
                // READ COMMITTED would let concurrent transactions each count the same rows;
                // a transaction-scoped lock per subject queues them. Sorted, so two attempts
                // sharing subjects always lock in the same order (no deadlock). SQLite needs
                // nothing: BEGIN IMMEDIATE already makes writers take turns.
                for subject in subjects.sorted() {
                    // Its own lock class, apart from the migrator's one-key lock (and the cart's).
                    try await sql.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(Self.attemptLockClass)), hashtext(\(bind: subject))) AS locked").run()
                }
            }
            try await sql.raw(
                "DELETE FROM login_failures WHERE subject IN (\(binds: subjects)) AND failed_at <= \(bind: Timestamp.micros(since))"
            ).run()
            let rows = try await sql.raw(
                """
                SELECT subject, COUNT(*) AS attempts, MIN(failed_at) AS oldest FROM login_failures
                WHERE subject IN (\(binds: subjects)) GROUP BY subject
                """
            ).all()
            for row in rows {
                let subject = try row.decode(column: "subject", as: String.self)
                let attempts = try row.decode(column: "attempts", as: Int.self)
                if let limit = limits.first(where: { $0.subject == subject }), attempts >= limit.limit {
                    return .refused(subject: subject, oldest: Timestamp.date(micros: try row.decode(column: "oldest", as: Int.self)))
                }
            }
            for subject in subjects {
                try await sql.raw(
                    "INSERT INTO login_failures (subject, failed_at, attempt_id) VALUES (\(bind: subject), \(bind: Timestamp.micros(now)), \(bind: id))"
                ).run()
            }
            return .reserved
        }
    }

    /// The advisory-lock class of login and registration attempts (migrator: 4242001, a
    /// one-key lock; cart adds: 4242002).
    static let attemptLockClass: Int32 = 4242003

    func releaseAttempt(id: String) async throws {
        try await self.database.write { sql in
            try await sql.raw("DELETE FROM login_failures WHERE attempt_id = \(bind: id)").run()
        }
    }

    func attemptSucceeded(id: String, clearing subject: String) async throws {
        try await self.database.write { sql in
            try await sql.raw("DELETE FROM login_failures WHERE attempt_id = \(bind: id) OR subject = \(bind: subject)").run()
        }
    }

    /// Deletes in batches of `purgeBatch` rows, each its own short transaction: the first
    /// purge of a long-running installation may find years of rows, and one transaction
    /// holding them all would keep SQLite's only writer (every login) waiting.
    func purgeExpired(attemptsBefore: Date, now: Date) async throws -> Int {
        // The row's physical id, to pick a batch: SQLite's rowid, PostgreSQL's ctid.
        let row = self.database.kind == .postgres ? "ctid" : "rowid"
        var purged = 0
        // An expired token can neither be refreshed nor prove reuse (a thief's copy has
        // expired too), so spent, revoked and unused alike go once past expiry.
        for (table, expiry, before) in [
            ("login_failures", "failed_at", Timestamp.micros(attemptsBefore)), ("refresh_tokens", "expires_at", Timestamp.micros(now)),
        ] {
            while true {
                let deleted = try await self.database.write { sql in
                    try await sql.raw(
                        """
                        DELETE FROM \(ident: table) WHERE \(unsafeRaw: row) IN (
                            SELECT \(unsafeRaw: row) FROM \(ident: table) WHERE \(ident: expiry) <= \(bind: before) LIMIT \(unsafeRaw: String(Self.purgeBatch))
                        ) RETURNING 1 AS gone
                        """
                    ).all().count
                }
                purged += deleted
                if deleted < Self.purgeBatch { break }
            }
        }
        return purged
    }

    static let purgeBatch = 1000
}
