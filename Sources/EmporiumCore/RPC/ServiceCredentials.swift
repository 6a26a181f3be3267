import Crypto
public import Foundation

/// How services prove to each other that a gRPC call comes from one of them: a secret every
/// service of an installation shares (`EMPORIUM_SERVICE_SECRET`) signs short-lived service
/// tokens (HMAC-SHA256 over the issue time), sent as `authorization: Bearer …` metadata and
/// checked by every gRPC server before any handler runs.
///
/// A token says "issued at t by a holder of the secret" and is accepted within `lifetime`
/// of t either way (clocks of one installation drift by seconds, not minutes). It is bound
/// to nothing else: on a network an eavesdropper could replay one for that minute, which is
/// why the secret gates the port and NetworkPolicies (or a private network) keep it private;
/// mTLS would be the next step where that is not enough.
public struct ServiceCredentials: Sendable {
    /// A secret shorter than this is refused at start: it has to withstand offline guessing
    /// from one captured token.
    public static let minimumSecretBytes = 32
    static let version = "v1"

    let key: SymmetricKey
    let lifetime: Duration

    public init(secret: String, lifetime: Duration = .seconds(60)) throws {
        guard secret.utf8.count >= Self.minimumSecretBytes else {
            throw ConfigurationError.invalid(
                key: "serviceSecret",
                reason: "must be at least \(Self.minimumSecretBytes) bytes (e.g. `openssl rand -hex 32`)"
            )
        }
        self.key = SymmetricKey(data: Data(secret.utf8))
        self.lifetime = lifetime
    }

    /// `v1.<unix seconds>.<hex HMAC>`.
    public func token(now: Date = Date()) -> String {
        let issuedAt = String(Int(now.timeIntervalSince1970))
        return "\(Self.version).\(issuedAt).\(self.signature(issuedAt))"
    }

    /// Whether `token` was issued by a holder of this secret within `lifetime` of `now`.
    public func accepts(_ token: String, now: Date = Date()) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.version, parts[1].count <= 20, let issuedAt = Int(parts[1]),
            let mac = Self.bytes(hex: parts[2])
        else { return false }
        let age = abs(now.timeIntervalSince1970 - Double(issuedAt))
        guard age <= Double(self.lifetime.components.seconds) else { return false }
        // Constant-time comparison, so the check leaks nothing about the expected MAC.
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(parts[1].utf8), using: self.key)
    }

    private func signature(_ issuedAt: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(issuedAt.utf8), using: self.key))
    }

    private static func bytes(hex: Substring) -> Data? {
        guard hex.count == 64 else { return nil }
        var data = Data(capacity: 32)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            data.append(byte)
            index = next
        }
        return data
    }
}
