import EmporiumCore

enum InventoryMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "stock and reservations") { _ in
            [
                // The CHECKs make overselling impossible even for a buggy writer: a
                // reservation beyond on-hand stock fails instead of going negative.
                """
                CREATE TABLE stock (
                    sku TEXT PRIMARY KEY,
                    on_hand BIGINT NOT NULL CHECK (on_hand >= 0),
                    reserved BIGINT NOT NULL CHECK (reserved >= 0 AND reserved <= on_hand),
                    updated_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE reservations (
                    id TEXT PRIMARY KEY,
                    status TEXT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX reservations_by_expiry ON reservations (status, expires_at)",
                """
                CREATE TABLE reservation_lines (
                    reservation_id TEXT NOT NULL REFERENCES reservations (id),
                    sku TEXT NOT NULL,
                    quantity BIGINT NOT NULL CHECK (quantity > 0),
                    PRIMARY KEY (reservation_id, sku)
                )
                """,
            ]
        }
    ]
}
