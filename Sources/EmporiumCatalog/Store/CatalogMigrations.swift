import EmporiumCore

/// The catalog's schema. Timestamps are integer microseconds; `seq` records exact creation
/// order (for "newest first") on both databases; `sort_name` and `search_text` hold the
/// Unicode-folded name/description because SQLite's own case folding is ASCII-only.
enum CatalogMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "create catalog tables") { kind in
            let seq = kind.sequenceColumn
            // Byte order for sort keys on PostgreSQL, as SQLite does, so both page identically.
            let binary = kind == .postgres ? " COLLATE \"C\"" : ""
            return [
                """
                CREATE TABLE categories (
                    \(seq),
                    id TEXT NOT NULL UNIQUE,
                    slug TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE products (
                    \(seq),
                    id TEXT NOT NULL UNIQUE,
                    slug TEXT NOT NULL,
                    name TEXT NOT NULL,
                    sort_name TEXT\(binary) NOT NULL,
                    search_text TEXT NOT NULL,
                    description TEXT NOT NULL,
                    category_id TEXT NOT NULL REFERENCES categories (id),
                    image_url TEXT,
                    price_amount BIGINT NOT NULL,
                    currency TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    archived_at BIGINT
                )
                """,
                // A slug belongs to one listed product; archiving frees it.
                "CREATE UNIQUE INDEX products_live_slug ON products (slug) WHERE archived_at IS NULL",
                "CREATE INDEX products_by_name ON products (sort_name, id) WHERE archived_at IS NULL",
                "CREATE INDEX products_by_price ON products (price_amount, id) WHERE archived_at IS NULL",
                "CREATE INDEX products_by_category ON products (category_id, sort_name, id) WHERE archived_at IS NULL",
                """
                CREATE TABLE variants (
                    sku TEXT PRIMARY KEY,
                    product_id TEXT NOT NULL REFERENCES products (id),
                    position INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    price_amount BIGINT NOT NULL,
                    currency TEXT NOT NULL,
                    attributes TEXT NOT NULL,
                    retired_at BIGINT
                )
                """,
                "CREATE INDEX variants_by_product ON variants (product_id, position)",
            ]
        },
        // One counter bumped by every catalog write, in the write's transaction: response
        // caches in every instance compare it to know when what they hold is stale.
        Migration(version: 2, name: "catalog revision") { _ in
            [
                "CREATE TABLE catalog_revision (id INTEGER PRIMARY KEY, revision BIGINT NOT NULL)",
                "INSERT INTO catalog_revision (id, revision) VALUES (1, 0)",
            ]
        },
        // The key that signs list cursors.
        InstallationSecrets.migration(version: 3),
        // Each product's API representation (`ProductDocument`), written in the transaction
        // that writes the product, so a read is one row and no encoding. It counts only while
        // its version is the code's and `document_updated_at` is the row's `updated_at` (a
        // write by an instance that predates documents, mid rolling upgrade, leaves it
        // behind); otherwise reads use the columns and the next start renders it again.
        Migration(version: 4, name: "product documents") { _ in
            [
                "ALTER TABLE products ADD COLUMN document TEXT",
                "ALTER TABLE products ADD COLUMN document_version INTEGER",
                "ALTER TABLE products ADD COLUMN document_updated_at BIGINT",
            ]
        },
        // An index for every list order, with and without a category, so a page is an index
        // seek and LIMIT rows, never a sort of every listed product (100k in the benchmark).
        Migration(version: 5, name: "an index per list order") { _ in
            [
                "CREATE INDEX products_by_price_descending ON products (price_amount DESC, id) WHERE archived_at IS NULL",
                "CREATE INDEX products_by_category_price ON products (category_id, price_amount, id) WHERE archived_at IS NULL",
                "CREATE INDEX products_by_category_price_descending ON products (category_id, price_amount DESC, id) WHERE archived_at IS NULL",
                "CREATE INDEX products_by_category_newest ON products (category_id, seq) WHERE archived_at IS NULL",
            ]
        },
    ]
}
