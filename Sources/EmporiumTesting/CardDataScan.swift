public import EmporiumCore
import SQLKit

/// Looks through every text value of every table of a service's database for card data:
/// the tests that prove a card number or CVC never reaches a table, in any service.
public enum CardDataScan {
    /// Every text value of every table of `database`, joined per table.
    public static func everyText(_ database: any Database) async throws -> [String: String] {
        try await database.read { sql in
            let listing = database.kind == .postgres
                ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                : "SELECT name FROM sqlite_master WHERE type = 'table'"
            var texts: [String: String] = [:]
            for table in try await sql.raw(SQLQueryString(listing)).all().map({ try $0.decode(column: "name", as: String.self) }) {
                var all = ""
                for row in try await sql.raw("SELECT * FROM \(ident: table)").all() {
                    for column in row.allColumns {
                        all += ((try? row.decode(column: column, as: String.self)) ?? "") + " "
                    }
                }
                texts[table] = all
            }
            return texts
        }
    }

    /// What `text` holds of `cards` or `cvc`: a whole number or its first 12 digits, any run
    /// of 12+ digits inside a number, the CVC as a value of its own, or the word "cvc".
    public static func findings(in text: String, cards: [String], cvc: String) throws -> [String] {
        var found: [String] = []
        for number in cards where text.contains(number) || text.contains(String(number.prefix(12))) {
            found.append("card \(number)")
        }
        if text.firstMatch(of: try Regex("(^|[^0-9A-Za-z])\(cvc)($|[^0-9A-Za-z])")) != nil { found.append("the CVC") }
        if text.lowercased().contains("cvc") { found.append("the word cvc") }
        for run in text.matches(of: try Regex("[0-9]{12,}")) {
            let digits = String(text[run.range])
            if cards.contains(where: { $0.contains(digits) || digits.contains($0) }) { found.append("digits \(digits)") }
        }
        return found
    }
}
