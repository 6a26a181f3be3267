import EmporiumCore

enum CartMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "cart lines") { kind in
            [
                // One cart per user: its lines, in the order they were first added.
                """
                CREATE TABLE cart_lines (
                    \(kind.sequenceColumn),
                    user_id TEXT NOT NULL,
                    sku TEXT NOT NULL,
                    quantity BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND 99),
                    updated_at BIGINT NOT NULL,
                    UNIQUE (user_id, sku)
                )
                """
            ]
        },
        // The orders whose lines were taken out of a cart: checkout's outbox delivers each
        // at least once, and this makes the second delivery a no-op.
        Migration(version: 2, name: "checked-out orders") { _ in
            [
                """
                CREATE TABLE cart_checkouts (
                    order_id TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """
            ]
        },
    ]
}
