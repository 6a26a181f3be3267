import EmporiumCore

enum OrdersMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "orders, lines and outbox") { kind in
            [
                // `step` is the saga's next move; `lease_until` is how long the process
                // driving it owns it (recovery takes over orders whose lease ran out).
                // One order per user and Idempotency-Key: a retry after a crash finds the
                // order instead of charging again.
                """
                CREATE TABLE orders (
                    \(kind.sequenceColumn),
                    id TEXT NOT NULL UNIQUE,
                    user_id TEXT NOT NULL,
                    idempotency_key TEXT,
                    status TEXT NOT NULL,
                    step TEXT NOT NULL,
                    failure_code TEXT,
                    subtotal BIGINT NOT NULL CHECK (subtotal >= 0),
                    shipping BIGINT NOT NULL CHECK (shipping >= 0),
                    tax BIGINT NOT NULL CHECK (tax >= 0),
                    total BIGINT NOT NULL CHECK (total = subtotal + shipping + tax),
                    currency TEXT NOT NULL,
                    shipping_address TEXT NOT NULL,
                    payment_id TEXT,
                    payment_status TEXT,
                    card_brand TEXT NOT NULL,
                    card_last4 TEXT NOT NULL,
                    lease_until BIGINT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    UNIQUE (user_id, idempotency_key)
                )
                """,
                "CREATE INDEX orders_by_user ON orders (user_id, seq)",
                // Recovery's scan: only unfinished orders are indexed, so it stays cheap
                // however long the order history grows.
                "CREATE INDEX orders_in_flight ON orders (lease_until) WHERE step <> 'done'",
                """
                CREATE TABLE order_lines (
                    order_id TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
                    position BIGINT NOT NULL,
                    sku TEXT NOT NULL,
                    product_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    unit_price BIGINT NOT NULL CHECK (unit_price >= 0),
                    quantity BIGINT NOT NULL CHECK (quantity > 0),
                    PRIMARY KEY (order_id, position)
                )
                """,
                // Written in the same transaction as the state change it announces;
                // relayed at least once (delivered_at set after the consumer took it).
                """
                CREATE TABLE order_outbox (
                    \(kind.sequenceColumn),
                    order_id TEXT NOT NULL,
                    type TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    delivered_at BIGINT
                )
                """,
                "CREATE INDEX order_outbox_pending ON order_outbox (seq) WHERE delivered_at IS NULL",
            ]
        },
        IdempotencyStore.migration(version: 2),
        IdempotencyStore.headersMigration(version: 3),
        // An event the relay cannot deliver no longer holds up the ones after it: a failed
        // one waits (`next_attempt_at`, backing off by `attempts`), one that can never be
        // delivered (a payload that does not decode) is parked (`parked_at`, `last_error`)
        // for an operator to see.
        Migration(version: 4, name: "outbox retries and parking") { _ in
            [
                "ALTER TABLE order_outbox ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE order_outbox ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE order_outbox ADD COLUMN last_error TEXT",
                "ALTER TABLE order_outbox ADD COLUMN parked_at BIGINT",
                "CREATE INDEX order_outbox_parked ON order_outbox (seq) WHERE parked_at IS NOT NULL",
            ]
        },
        // Per-installation keys (list cursors are signed with one).
        InstallationSecrets.migration(version: 5),
    ]
}
