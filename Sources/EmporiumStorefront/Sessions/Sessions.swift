import EmporiumClients
import EmporiumCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Reads, confirms and writes shopper sessions.
struct Sessions: Sendable {
    /// A month: a guest's cart and a signed-in session (identity's refresh tokens live as long) survive it.
    static let maxAge = 30 * 24 * 3600

    let sealer: CookieSealer
    let identity: any IdentityPeer
    let refresher: RefreshCoalescer
    let trustedProxies: TrustedProxies
    let logger: Logger

    init(key: CookieSealer, identity: any IdentityPeer, trustedProxies: TrustedProxies, logger: Logger) {
        self.sealer = key
        self.identity = identity
        self.refresher = RefreshCoalescer(identity: identity)
        self.trustedProxies = trustedProxies
        self.logger = logger
    }

    /// The request's visit: its session cookie opened (if this storefront sealed it) and
    /// where the shopper connects from.
    func visit(_ request: Request, _ context: EmporiumRequestContext) -> Visit {
        var cookie: ShopperCookie?
        if let value = request.cookies[CookieSealer.name]?.value {
            cookie = self.sealer.open(value)
        }
        let peer = context.clientAddress
        let fromProxy = peer.map { self.trustedProxies.contains($0) } ?? false
        let proto = request.headers[.xForwardedProto]?.lowercased()
        return Visit(
            cookie: cookie,
            // The storefront itself serves plain HTTP; TLS ends at the proxy in front, which says so.
            secure: fromProxy && proto == "https",
            clientAddress: ClientAddress.resolve(peer: peer, forwardedFor: request.headers[values: .xForwardedFor], trustedProxies: self.trustedProxies)
        )
    }

    /// The signed-in account, confirmed with identity if its confirmation ran out: a session
    /// signed out elsewhere or revoked ends here (the shopper is a guest again). While
    /// identity cannot answer, the session stands as it is: an outage signs nobody out.
    func account(_ visit: inout Visit, now: Date = Date()) async -> ShopperCookie.Account? {
        guard let account = visit.account else { return nil }
        guard Int64(now.timeIntervalSince1970) >= account.confirmedUntil else { return account }
        do {
            let session = try await self.refresher.refresh(account.refreshToken)
            let renewed = Self.account(session, now: now)
            visit.update { $0.account = renewed }
            return renewed
        } catch IdentityRefusal.refreshRejected {
            visit.clear()
            _ = visit.session()
            return nil
        } catch {
            self.logger.warning("Storefront could not confirm a session; it stands", metadata: ["error": "\(String(reflecting: error))"])
            return account
        }
    }

    static func account(_ session: ShopperSession, now: Date = Date()) -> ShopperCookie.Account {
        // Confirmed for as long as identity's access token would have been valid.
        ShopperCookie.Account(
            id: session.userId, name: session.name, refreshToken: session.refreshToken,
            confirmedUntil: Int64(now.timeIntervalSince1970) + Int64(max(session.expiresIn, 0))
        )
    }

    /// `Set-Cookie` for the response, if the session changed or ended.
    func setCookie(_ visit: Visit) -> String? {
        let attributes = "; Path=/; HttpOnly; SameSite=Lax" + (visit.secure ? "; Secure" : "")
        if visit.cleared, visit.cookie == nil {
            return CookieSealer.name + "=" + attributes + "; Max-Age=0"
        }
        guard visit.changed, let cookie = visit.cookie else { return nil }
        do {
            return CookieSealer.name + "=" + (try self.sealer.seal(cookie)) + attributes + "; Max-Age=\(Self.maxAge)"
        } catch {
            self.logger.error("Storefront could not seal a session", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Whether a form's `csrf` field is the session's token (constant time).
    static func csrfMatches(_ sent: String?, _ visit: Visit) -> Bool {
        guard let sent, let expected = visit.cookie?.csrf, sent.utf8.count == expected.utf8.count else { return false }
        return zip(sent.utf8, expected.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension HTTPField.Name {
    static let xForwardedProto = Self("X-Forwarded-Proto")!
}
