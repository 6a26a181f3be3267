import EmporiumCore

/// Identity's schema: users, refresh tokens (hashes only), signing keys, login failures.
enum IdentityMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "create identity tables") { kind in
            let seq = kind.sequenceColumn
            return [
                """
                CREATE TABLE users (
                    \(seq),
                    id TEXT NOT NULL UNIQUE,
                    email_key TEXT NOT NULL UNIQUE,
                    email TEXT NOT NULL,
                    name TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    roles TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                // A login starts a family; each refresh spends one token and adds the next.
                """
                CREATE TABLE refresh_tokens (
                    token_hash TEXT PRIMARY KEY,
                    family_id TEXT NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users (id),
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    spent_at BIGINT,
                    revoked_at BIGINT
                )
                """,
                "CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id)",
                """
                CREATE TABLE signing_keys (
                    kid TEXT PRIMARY KEY,
                    private_key TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    retired_at BIGINT
                )
                """,
                """
                CREATE TABLE login_failures (
                    subject TEXT NOT NULL,
                    failed_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX login_failures_by_subject ON login_failures (subject, failed_at)",
            ]
        },
        // Attempts are reserved before bcrypt (a burst cannot outrun the lockout): each row
        // names its attempt, so a success or an attempt that never ran can take its own back.
        Migration(version: 2, name: "attempt ids and purge indexes") { _ in
            [
                "ALTER TABLE login_failures ADD COLUMN attempt_id TEXT",
                "CREATE INDEX login_failures_by_attempt ON login_failures (attempt_id)",
                "CREATE INDEX login_failures_by_time ON login_failures (failed_at)",
                "CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at)",
            ]
        },
    ]
}
