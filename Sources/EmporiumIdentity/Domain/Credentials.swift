import EmporiumCore
import Foundation

/// Email addresses: trimmed, compared case-insensitively (the lowercased form is the key).
enum EmailAddress {
    /// RFC 5321's limit on a forward path; anything longer is refused before the store.
    static let maxBytes = 254

    static func normalize(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// A deliberately plain check (one `@`, a dotted domain, no spaces, ≤ 254 bytes): the
    /// real test of an address is mail reaching it.
    static func isValid(_ email: String) -> Bool {
        guard email.utf8.count <= Self.maxBytes, !email.contains(where: { $0.isWhitespace || $0.isNewline }) else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...64).contains(parts[0].utf8.count), !parts[1].isEmpty else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty }
    }
}

/// Passwords are at least 8 characters and at most 72 bytes of UTF-8: bcrypt reads only 72
/// bytes, and a longer password is refused rather than silently truncated. Control
/// characters (NUL above all: C bcrypt stops reading there) are refused too.
enum PasswordPolicy {
    static let maxBytes = 72

    static func check(_ password: String) -> FieldError? {
        guard password.count >= 8, password.utf8.count <= Self.maxBytes else {
            return FieldError(field: "password", message: "must be at least 8 characters and at most 72 bytes (UTF-8)")
        }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return FieldError(field: "password", message: "must not contain control characters")
        }
        return nil
    }

    /// Whether a login may even try `password`: one that registration could never have
    /// accepted is wrong without asking bcrypt (which would compare only its first 72 bytes).
    static func canMatch(_ password: String) -> Bool {
        password.utf8.count <= Self.maxBytes
    }
}
