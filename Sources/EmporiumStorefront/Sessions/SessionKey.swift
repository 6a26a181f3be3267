import Crypto
import Foundation

/// The key that seals session cookies: derived from the installation's secret (HKDF, with
/// this purpose as its info, so the key opens nothing else the secret protects), or, where
/// no secret is configured, read from a key file in the data directory, made on first start.
enum SessionKey {
    static let purpose = Data("emporium storefront session cookie v1".utf8)

    static func load(_ settings: StorefrontSettings) throws -> SymmetricKey {
        if let secret = settings.secret {
            return Self.derive(secret: secret)
        }
        return Self.derive(secret: try Self.keyFile(settings.keyFile))
    }

    static func derive(secret: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Data(secret.utf8)), info: Self.purpose, outputByteCount: 32)
    }

    /// The file's secret, creating it if absent. `O_EXCL` makes the first of several
    /// instances starting at once the only writer; the others read what it wrote.
    static func keyFile(_ path: String) throws -> String {
        if let existing = try? String(contentsOfFile: path, encoding: .utf8), existing.utf8.count >= 32 {
            return existing
        }
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if descriptor >= 0 {
            defer { close(descriptor) }
            let written = secret.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
            guard written == secret.utf8.count else { throw KeyFileError(path: path, reason: "could not be written") }
            return secret
        }
        // Another instance created it first: read its secret (it may still be writing).
        for _ in 0..<50 {
            if let existing = try? String(contentsOfFile: path, encoding: .utf8), existing.utf8.count >= 32 { return existing }
            usleep(20_000)
        }
        throw KeyFileError(path: path, reason: "exists but holds no secret; delete it to make a new one (signs everyone out)")
    }

    struct KeyFileError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "storefront session key file \(self.path) \(self.reason)" }
    }
}
