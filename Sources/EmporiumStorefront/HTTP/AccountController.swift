import EmporiumClients
import EmporiumCore
import Foundation
import GRPCCore
import Hummingbird
import Logging

/// `/login`, `/register`, `/logout`: accounts through identity's gRPC API, on the shopper's
/// behalf (their address passed on, so identity's per-address limits count them).
struct AccountController: Sendable {
    let shop: ShopPeers
    let kit: PageKit

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        router.get("/login") { request, context in
            await self.kit.handle(request, context) { visit in
                _ = visit.session()
                return .page(self.form("login", visit, next: Self.next(try? request.formQuery["next"]), email: ""))
            }
        }
        router.post("/login") { request, context in
            await self.kit.handleForm(request, context) { visit, form in try await self.login(&visit, form) }
        }
        router.get("/register") { request, context in
            await self.kit.handle(request, context) { visit in
                _ = visit.session()
                return .page(self.form("register", visit, next: Self.next(try? request.formQuery["next"]), email: ""))
            }
        }
        router.post("/register") { request, context in
            await self.kit.handleForm(request, context) { visit, form in try await self.register(&visit, form) }
        }
        router.post("/logout") { request, context in
            await self.kit.handleForm(request, context) { visit, _ in await self.logout(&visit) }
        }
    }

    func login(_ visit: inout Visit, _ form: FormQuery) async throws -> PageKit.Outcome {
        let email = ((try? form["email"]) ?? nil) ?? ""
        let next = Self.next(try? form["next"])
        do {
            let session = try await self.shop.identity.login(email: email, password: ((try? form["password"]) ?? nil) ?? "", clientAddress: visit.clientAddress)
            try await self.signIn(&visit, session)
            return .redirect(Self.withNotice(next, "signed-in"))
        } catch let refusal as IdentityRefusal {
            let (status, alert) = Self.explain(refusal)
            return .page(self.form("login", visit, next: next, email: email, status: status, alert: alert))
        }
    }

    func register(_ visit: inout Visit, _ form: FormQuery) async throws -> PageKit.Outcome {
        let email = ((try? form["email"]) ?? nil) ?? ""
        let name = ((try? form["name"]) ?? nil) ?? ""
        let next = Self.next(try? form["next"])
        do {
            let session = try await self.shop.identity.register(
                email: email, password: ((try? form["password"]) ?? nil) ?? "", name: name, clientAddress: visit.clientAddress
            )
            try await self.signIn(&visit, session)
            return .redirect(Self.withNotice(next, "registered"))
        } catch let refusal as IdentityRefusal {
            let (status, alert) = Self.explain(refusal)
            return .page(self.form("register", visit, next: next, email: email, name: name, status: status, alert: alert))
        }
    }

    func logout(_ visit: inout Visit) async -> PageKit.Outcome {
        if let account = visit.account {
            do {
                try await self.shop.identity.logout(refreshToken: account.refreshToken)
            } catch {
                // The browser forgets the session either way; identity's copy expires on its own.
                self.kit.logger.warning("Storefront sign-out could not reach identity", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        visit.clear()
        return .redirect("/?notice=signed-out")
    }

    /// Keeps the session and moves the guest's cart into the account's: every line added
    /// to what the account already holds, then the guest cart emptied.
    private func signIn(_ visit: inout Visit, _ session: ShopperSession) async throws {
        let guest = visit.session().guest
        var count: Int?
        do {
            let guestCart = try await self.shop.cart.cart(userId: guest)
            for line in guestCart.lines {
                do {
                    count = try await self.shop.cart.add(userId: session.userId, sku: line.sku, quantity: line.quantity).itemCount
                } catch let error as RPCError where error.code == .invalidArgument {
                    // Over the line limit or no longer sold: the account's cart keeps what it can.
                }
            }
            if !guestCart.lines.isEmpty { try await self.shop.cart.clear(userId: guest) }
            if count == nil { count = try await self.shop.cart.cart(userId: session.userId).itemCount }
        } catch {
            // Signed in even if the carts could not be merged now; the guest cart stays.
            self.kit.logger.warning("Storefront could not merge a guest cart", metadata: ["error": "\(String(reflecting: error))"])
        }
        visit.update {
            $0.account = Sessions.account(session)
            // A new CSRF token at sign-in, so one learnt before it is worth nothing after.
            $0.csrf = ShopperCookie.randomToken()
            if let count { $0.cartCount = count }
        }
    }

    private func form(
        _ template: String, _ visit: Visit, next: String, email: String, name: String = "", status: HTTPResponse.Status = .ok, alert: String? = nil
    ) -> PageKit.Page {
        let title = template == "login" ? "Sign in" : "Create an account"
        var view: [String: Any] = ["email": email, "name": name]
        if next != "/" { view["next"] = next }
        return .init(status: status, html: self.kit.render(template, visit, title: title + " — Emporium", alert: alert, view: view))
    }

    /// What the shopper is told, and the status the page answers with.
    static func explain(_ refusal: IdentityRefusal) -> (HTTPResponse.Status, String) {
        switch refusal {
        case .wrongCredentials, .refreshRejected: (.unauthorized, "That email and password do not match. Please try again.")
        case .emailTaken: (.conflict, "An account with that email exists already. Sign in instead, or use another email.")
        case .invalid: (.unprocessableContent, "Please enter a valid email address, your name, and a password of 8 to 72 characters.")
        case .lockedOut(let seconds):
            (.tooManyRequests, "Too many attempts. For your security, please wait \(Self.minutes(seconds)) and try again.")
        case .busy: (.serviceUnavailable, "We are busy signing in many shoppers right now. Please try again in a few seconds.")
        }
    }

    static func minutes(_ seconds: Int) -> String {
        seconds <= 60 ? "a minute" : "\((seconds + 59) / 60) minutes"
    }

    /// Where to go after signing in: a path on this shop only (never `//elsewhere` or a URL).
    static func next(_ value: String??) -> String {
        guard let value = value ?? nil, value.hasPrefix("/"), !value.hasPrefix("//"), !value.contains("\\"),
            value.utf8.count <= 512, !value.hasPrefix("/login"), !value.hasPrefix("/register")
        else { return "/" }
        return value
    }

    static func withNotice(_ path: String, _ notice: String) -> String {
        path == "/" ? "/?notice=" + notice : path
    }
}
