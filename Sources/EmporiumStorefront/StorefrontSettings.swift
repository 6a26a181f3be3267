public import EmporiumCore
import Foundation

/// The storefront's settings: where its session key comes from and which proxies it
/// believes about the client's address and scheme.
public struct StorefrontSettings: Sendable {
    /// The secret the session cookie's key is derived from: `EMPORIUM_SESSION_SECRET`, else
    /// `EMPORIUM_SERVICE_SECRET` (one installation, one secret, a key per purpose). Every
    /// storefront instance must derive the same key, or a shopper's cookie would only open
    /// on the instance that sealed it.
    var secret: String?
    /// Without a secret (the embedded default): a key file kept in the data directory, made
    /// on first start, so a restart keeps everyone signed in and their carts.
    var keyFile: String
    /// Peers (NGINX, an ingress) whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed
    /// (`EMPORIUM_TRUSTED_PROXIES`, as identity reads it).
    var trustedProxies: TrustedProxies

    public init(reader: SettingsReader) throws {
        self.secret = reader.string("sessionSecret", isSecret: true) ?? reader.string("serviceSecret", isSecret: true)
        if let secret = self.secret, secret.utf8.count < ServiceCredentials.minimumSecretBytes {
            throw ConfigurationError.invalid(
                key: "sessionSecret", reason: "must be at least \(ServiceCredentials.minimumSecretBytes) bytes (e.g. `openssl rand -hex 32`)"
            )
        }
        self.keyFile = (reader.string("dataDir") ?? "./.emporium") + "/storefront-session.key"
        self.trustedProxies = .none
        if let proxies = reader.string("trustedProxies") {
            switch TrustedProxies.parse(proxies) {
            case .success(let trusted): self.trustedProxies = trusted
            case .failure(let invalid):
                throw ConfigurationError.invalid(key: "trustedProxies", reason: "\(invalid.entry) is neither an IP address nor a network (10.0.0.0/8)")
            }
        }
    }
}
