import Crypto
import Foundation

/// What a shopper's session cookie holds, sealed (ChaCha20-Poly1305) so it can be neither
/// read nor changed in the browser: the storefront trusts a user id only because it sealed
/// it. Nothing here is a secret the shopper does not already hold except the refresh token,
/// which is why the cookie is HttpOnly and encrypted, not just signed.
struct ShopperCookie: Codable, Sendable, Equatable {
    /// The account a shopper signed in to, and when identity last confirmed the session.
    struct Account: Codable, Sendable, Equatable {
        var id: String
        var name: String
        var refreshToken: String
        /// Unix seconds until which the session counts as confirmed; after it, the next page
        /// that acts for the shopper refreshes it with identity (a signed-out or revoked
        /// session ends there).
        var confirmedUntil: Int64
    }

    /// The cart's owner while nobody is signed in (`guest-<uuid>`), merged at sign-in.
    var guest: String
    /// The token every state-changing form carries back (double submit: a page on another
    /// site can make the browser send the cookie, never read it to copy this).
    var csrf: String
    var account: Account?
    /// Units in the cart when the storefront last saw it, for the header.
    var cartCount: Int

    /// The cart's owner now.
    var cartOwner: String { self.account?.id ?? self.guest }

    static func fresh() -> ShopperCookie {
        ShopperCookie(guest: "guest-" + UUID().uuidString.lowercased(), csrf: Self.randomToken(), account: nil, cartCount: 0)
    }

    static func randomToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64URLEncoded()
    }
}

/// Seals and opens session cookies with the storefront's key.
struct CookieSealer: Sendable {
    static let name = "emporium_session"
    /// Browsers keep cookies up to 4 KB; a session is a few hundred bytes.
    static let maximumLength = 4000
    private static let context = Data("emporium_session v1".utf8)

    let key: SymmetricKey

    func seal(_ cookie: ShopperCookie) throws -> String {
        let json = try JSONEncoder().encode(cookie)
        return try ChaChaPoly.seal(json, using: self.key, authenticating: Self.context).combined.base64URLEncoded()
    }

    /// The session, or nil for anything this key did not seal (tampered, old key, garbage).
    func open(_ value: String) -> ShopperCookie? {
        guard value.utf8.count <= Self.maximumLength, let data = Data(base64URLEncoded: value),
            let box = try? ChaChaPoly.SealedBox(combined: data),
            let json = try? ChaChaPoly.open(box, using: self.key, authenticating: Self.context)
        else { return nil }
        return try? JSONDecoder().decode(ShopperCookie.self, from: json)
    }
}

extension Data {
    func base64URLEncoded() -> String {
        self.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
