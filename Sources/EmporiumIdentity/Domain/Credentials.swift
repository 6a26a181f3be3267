import EmporiumCore
import Foundation

/// Email addresses: trimmed, compared case-insensitively (the lowercased form is the key).
enum EmailAddress {
    static func normalize(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// A deliberately plain check (one `@`, a dotted domain, no spaces, ≤ 254 bytes): the
    /// real test of an address is mail reaching it.
    static func isValid(_ email: String) -> Bool {
        guard email.utf8.count <= 254, !email.contains(where: { $0.isWhitespace || $0.isNewline }) else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...64).contains(parts[0].utf8.count), !parts[1].isEmpty else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty }
    }
}

/// Passwords are at least 8 characters and at most 72 bytes of UTF-8: bcrypt reads only 72
/// bytes, and a longer password is refused rather than silently truncated.
enum PasswordPolicy {
    static func check(_ password: String) -> FieldError? {
        guard password.count >= 8, password.utf8.count <= 72 else {
            return FieldError(field: "password", message: "must be at least 8 characters and at most 72 bytes (UTF-8)")
        }
        return nil
    }
}
