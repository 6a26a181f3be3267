import Foundation

/// One request's shopper: the session its cookie carried (nil: none yet, or one this
/// storefront cannot open) and whether the response must send the cookie back changed.
struct Visit: Sendable {
    private(set) var cookie: ShopperCookie?
    /// Whether the page was reached over TLS (directly or, from a trusted proxy, as its
    /// `X-Forwarded-Proto` says): the cookie is then marked `Secure`.
    let secure: Bool
    /// The shopper's address, passed on to identity's per-address limits.
    let clientAddress: String?
    /// The cookie must be sent (it changed) or cleared (signed out).
    private(set) var changed = false
    private(set) var cleared = false

    init(cookie: ShopperCookie?, secure: Bool, clientAddress: String?) {
        self.cookie = cookie
        self.secure = secure
        self.clientAddress = clientAddress
    }

    var account: ShopperCookie.Account? { self.cookie?.account }

    /// The session, made now if the shopper has none (a page with a form needs its CSRF token).
    mutating func session() -> ShopperCookie {
        if let cookie = self.cookie { return cookie }
        let fresh = ShopperCookie.fresh()
        self.cookie = fresh
        self.changed = true
        self.cleared = false
        return fresh
    }

    mutating func update(_ change: (inout ShopperCookie) -> Void) {
        var cookie = self.session()
        let before = cookie
        change(&cookie)
        guard cookie != before else { return }
        self.cookie = cookie
        self.changed = true
    }

    /// Signs out: the cookie is cleared in the browser; a later form makes a new one.
    mutating func clear() {
        self.cookie = nil
        self.changed = false
        self.cleared = true
    }
}
