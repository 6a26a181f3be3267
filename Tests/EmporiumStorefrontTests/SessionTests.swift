import Crypto
import EmporiumClients
import EmporiumCore
@testable import EmporiumStorefront
import Foundation
import Logging
import NIOCore
import Synchronization
import Testing

/// The session cookie's sealing and key, and confirming a session with identity.
@Suite struct SessionTests {
    static let cookie = ShopperCookie(
        guest: "guest-1", csrf: "token",
        account: .init(id: "usr_1", name: "Ada", refreshToken: "refresh-1", confirmedUntil: 100), cartCount: 3
    )

    @Test func aSealedCookieOpensOnlyWithItsKeyAndUnchanged() throws {
        let sealer = CookieSealer(key: SessionKey.derive(secret: String(repeating: "a", count: 32)))
        let sealed = try sealer.seal(Self.cookie)
        #expect(sealer.open(sealed) == Self.cookie)
        // Nobody can read the refresh token in it.
        #expect(!sealed.contains("refresh") && Data(base64URLEncoded: sealed).map { String(decoding: $0, as: UTF8.self).contains("refresh") } == false)
        // Another installation's key, one changed character, garbage: no session.
        #expect(CookieSealer(key: SessionKey.derive(secret: String(repeating: "b", count: 32))).open(sealed) == nil)
        var bytes = Array(sealed)
        bytes[bytes.count / 2] = bytes[bytes.count / 2] == "A" ? "B" : "A"
        #expect(sealer.open(String(bytes)) == nil)
        #expect(sealer.open("not a cookie") == nil && sealer.open(String(repeating: "A", count: 5000)) == nil)
    }

    @Test func theKeyFileIsMadeOnceAndKeptPrivate() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-session-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("storefront-session.key").path
        let first = try SessionKey.keyFile(path)
        #expect(try SessionKey.keyFile(path) == first && first.utf8.count >= 32)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test func theCookieIsSecureOnlyBehindATLSProxy() throws {
        let sessions = Sessions(key: CookieSealer(key: SymmetricKey(size: .bits256)), identity: CountingIdentity(), trustedProxies: .none, logger: Logger(label: "test"))
        var plain = Visit(cookie: nil, secure: false, clientAddress: nil)
        _ = plain.session()
        #expect(sessions.setCookie(plain)?.contains("Secure") == false)
        var tls = Visit(cookie: nil, secure: true, clientAddress: nil)
        _ = tls.session()
        #expect(sessions.setCookie(tls)?.hasSuffix("; Secure; Max-Age=2592000") == true)
        // Unchanged: nothing to send.
        #expect(sessions.setCookie(Visit(cookie: Self.cookie, secure: false, clientAddress: nil)) == nil)
    }

    @Test func anExpiredConfirmationIsRefreshedOnceAndARevokedSessionEnds() async throws {
        let identity = CountingIdentity()
        let sessions = Sessions(key: CookieSealer(key: SymmetricKey(size: .bits256)), identity: identity, trustedProxies: .none, logger: Logger(label: "test"))
        // Still confirmed: identity is not asked.
        var visit = Visit(cookie: Self.cookie, secure: false, clientAddress: nil)
        #expect(await sessions.account(&visit, now: Date(timeIntervalSince1970: 50))?.refreshToken == "refresh-1")
        #expect(identity.calls.withLock { $0 } == 0)
        // Two pages at once after it ran out: one refresh, both get the new token.
        let now = Date(timeIntervalSince1970: 200)
        async let first: String? = { var v = Visit(cookie: Self.cookie, secure: false, clientAddress: nil); return await sessions.account(&v, now: now)?.refreshToken }()
        async let second: String? = { var v = Visit(cookie: Self.cookie, secure: false, clientAddress: nil); return await sessions.account(&v, now: now)?.refreshToken }()
        let tokens = await [first, second]
        #expect(tokens == ["refresh-2", "refresh-2"] && identity.calls.withLock { $0 } == 1)
        // Identity refuses the token (signed out elsewhere): a guest again, with a new session.
        var revoked = Visit(cookie: ShopperCookie(guest: "g", csrf: "c", account: .init(id: "usr_1", name: "Ada", refreshToken: "revoked", confirmedUntil: 0), cartCount: 0), secure: false, clientAddress: nil)
        #expect(await sessions.account(&revoked, now: now) == nil)
        #expect(revoked.account == nil && revoked.cookie?.guest != "g" && sessions.setCookie(revoked) != nil)
    }

    @Test func onlyLocalPathsAreWhereSignInLeads() {
        #expect(AccountController.next("/checkout") == "/checkout")
        #expect(AccountController.next("/account/orders/ord_1") == "/account/orders/ord_1")
        for hostile in ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "/login", nil] {
            #expect(AccountController.next(hostile) == "/")
        }
    }

    @Test func aSharedPageIsFilledPerShopper() {
        let html = "<p>\(SharedPageCache.accountSlot)</p><input value=\"\(SharedPageCache.csrfSlot)\">@@emporium-slot-x@@"
        let page = SharedPageCache.cut(html, status: 200)
        let filled = SharedPageCache.fill(page, account: "<nav>Ada</nav>", csrf: "t0k3n")
        #expect(String(buffer: filled) == "<p><nav>Ada</nav></p><input value=\"t0k3n\">@@emporium-slot-x@@")
        let cache = SharedPageCache(lifetime: .seconds(3), capacity: 2)
        let start = ContinuousClock.now
        cache.keep("a", page, now: start)
        #expect(cache.page("a", now: start + .seconds(2)) != nil && cache.page("a", now: start + .seconds(4)) == nil)
        cache.keep("b", page, now: start)
        cache.keep("c", page, now: start)
        #expect(cache.page("c", now: start) != nil)
    }
}

/// Identity that refreshes `refresh-1` into `refresh-2` (slowly, so two callers overlap)
/// and refuses any other token; it counts refreshes.
final class CountingIdentity: IdentityPeer {
    let calls = Mutex(0)

    func register(email: String, password: String, name: String, clientAddress: String?) async throws -> ShopperSession { throw IdentityRefusal.busy }
    func login(email: String, password: String, clientAddress: String?) async throws -> ShopperSession { throw IdentityRefusal.busy }
    func logout(refreshToken: String) async throws {}

    func refresh(refreshToken: String) async throws -> ShopperSession {
        self.calls.withLock { $0 += 1 }
        try await Task.sleep(for: .milliseconds(50))
        guard refreshToken == "refresh-1" else { throw IdentityRefusal.refreshRejected }
        return ShopperSession(userId: "usr_1", email: "ada@example.com", name: "Ada", roles: ["customer"], accessToken: "a", refreshToken: "refresh-2", expiresIn: 900)
    }
}
