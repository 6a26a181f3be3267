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
                SQLBind("\(paymentId):\(status.rawValue)"), SQLBind(paymentId), SQLBind(entry.account), SQLBind(entry.sign * amount), SQLBind(currency), SQLBind(stamp)
            )
        }
        try await insert.run()
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
