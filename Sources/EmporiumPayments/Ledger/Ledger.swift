import SQLKit

/// Double-entry bookkeeping for payments. Every money movement is one transaction whose
/// entries sum to zero: a capture debits `cash` and credits `sales`, a refund reverses it;
/// authorizations and voids move no money and post nothing. Entries are written in the
/// same database transaction as the payment's move, so the books and the payments never
/// disagree.
enum Ledger {
    /// The entries a payment's move to `status` posts, as (account, sign of the amount).
    static func postings(for status: PaymentStatus) -> [(account: String, sign: Int)] {
        switch status {
        case .captured: [("cash", 1), ("sales", -1)]
        case .refunded: [("sales", 1), ("cash", -1)]
        case .authorized, .voided, .failed: []
        }
    }

    /// Posts the move's entries as transaction `<payment id>:<status>`.
    static func post(paymentId: String, movedTo status: PaymentStatus, amount: Int, currency: String, stamp: Int, sql: any SQLDatabase) async throws {
        let postings = self.postings(for: status)
        guard !postings.isEmpty else { return }
        var insert = sql.insert(into: "ledger_entries").columns("transaction_id", "payment_id", "account", "amount", "currency", "created_at")
        for entry in postings {
            insert = insert.values(
                SQLBind(self.transactionId(paymentId, status)), SQLBind(paymentId), SQLBind(entry.account), SQLBind(entry.sign * amount), SQLBind(currency),
                SQLBind(stamp)
            )
        }
        try await insert.run()
    }

    /// The same entries as `post`, as an `INSERT … SELECT` from `moved`: a CTE that returned
    /// the moved payment's id, amount and currency, so PostgreSQL moves the payment and
    /// posts in one statement. Nil when the move posts nothing.
    static func insertEntries(paymentId: String, movedTo status: PaymentStatus, from moved: String, stamp: Int) -> SQLQueryString? {
        let postings = self.postings(for: status)
        guard !postings.isEmpty else { return nil }
        let rows = postings.map { entry -> SQLQueryString in "(\(bind: entry.account), \(bind: entry.sign))" }.joined(separator: ", ")
        return """
            INSERT INTO ledger_entries (transaction_id, payment_id, account, amount, currency, created_at)
            SELECT \(bind: self.transactionId(paymentId, status)), \(ident: moved).id, posting.account, posting.sign * \(ident: moved).amount,
                \(ident: moved).currency, \(bind: stamp)
            FROM \(ident: moved) CROSS JOIN (VALUES \(rows)) AS posting (account, sign)
            """
    }

    /// One ledger transaction per move of a payment: a replay cannot post twice
    /// (`ledger_entries_once`).
    static func transactionId(_ paymentId: String, _ status: PaymentStatus) -> String {
        "\(paymentId):\(status.rawValue)"
    }

    /// The sum of every entry (zero when the books balance) and the transactions whose own
    /// entries do not sum to zero (none when each balances).
    static func check(sql: any SQLDatabase) async throws -> (total: Int, unbalancedTransactions: [String]) {
        let total = try await sql.raw("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM ledger_entries").first()?.decode(column: "total", as: Int.self) ?? 0
        let unbalanced = try await sql.raw(
            "SELECT transaction_id FROM ledger_entries GROUP BY transaction_id HAVING SUM(amount) <> 0"
        ).all().map { try $0.decode(column: "transaction_id", as: String.self) }
        return (total, unbalanced)
    }

    /// An account's balance (debits positive).
    static func balance(account: String, sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM ledger_entries WHERE account = \(bind: account)").first()?
            .decode(column: "total", as: Int.self) ?? 0
    }
}
