import EmporiumCore

enum PaymentsMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "payments, events and the ledger") { kind in
            [
                // One payment per order: the unique order id makes Authorize idempotent.
                """
                CREATE TABLE payments (
                    id TEXT PRIMARY KEY,
                    order_id TEXT NOT NULL UNIQUE,
                    status TEXT NOT NULL,
                    amount BIGINT NOT NULL CHECK (amount >= 0),
                    currency TEXT NOT NULL,
                    brand TEXT NOT NULL,
                    last4 TEXT NOT NULL,
                    decline_code TEXT,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE payment_events (
                    \(kind.sequenceColumn),
                    payment_id TEXT NOT NULL REFERENCES payments (id),
                    type TEXT NOT NULL,
                    amount BIGINT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX payment_events_by_payment ON payment_events (payment_id, seq)",
                // Double entry: every money movement is one transaction of entries whose
                // signed amounts sum to zero (debits positive, credits negative).
                """
                CREATE TABLE ledger_entries (
                    \(kind.sequenceColumn),
                    transaction_id TEXT NOT NULL,
                    payment_id TEXT NOT NULL REFERENCES payments (id),
                    account TEXT NOT NULL,
                    amount BIGINT NOT NULL,
                    currency TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE UNIQUE INDEX ledger_entries_once ON ledger_entries (transaction_id, account)",
            ]
        }
    ]
}
