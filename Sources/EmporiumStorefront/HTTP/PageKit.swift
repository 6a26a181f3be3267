import EmporiumClients
import EmporiumCore
import Foundation
import Hummingbird
import Logging

/// What every page handler shares: the templates, the assets, the sessions, and one way to
/// turn a page (or a redirect, or an error) into a response that carries the session back.
struct PageKit: Sendable {
    let pages: PageRenderer
    let assets: AssetCatalog
    let sessions: Sessions
    let cache: SharedPageCache
    let categories: CategoryCache
    let logger: Logger

    /// A rendered page: the status and the HTML.
    struct Page {
        var status: HTTPResponse.Status = .ok
        let html: String
    }

    /// What a handler answers: a page, or a redirect after a form (303, so a reload never
    /// posts the form twice).
    enum Outcome {
        case page(Page)
        case redirect(String)
        /// A shared page filled in for this shopper.
        case filled(status: HTTPResponse.Status, body: ByteBuffer)
    }

    /// Every page's headers: HTML, never cached by a shared cache (pages show a shopper's
    /// name and cart), and a policy that lets a page load only this shop's own styles and
    /// images, run no script at all (the JSON-LD block is data, not script), post forms only
    /// here, nor be framed by another site. (NGINX adds nosniff and the referrer policy.)
    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-cache, private",
        .contentSecurityPolicy: "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ]

    /// Largest form body a page accepts (the checkout form is well under 2 KB).
    static let formLimit = 16 * 1024

    /// A GET page.
    func handle(
        _ request: Request, _ context: EmporiumRequestContext, _ build: (inout Visit) async throws -> Outcome
    ) async -> Response {
        var visit = self.sessions.visit(request, context)
        await self.categories.refreshIfStale()
        return await self.respond(&visit, build)
    }

    /// A form post: its fields, once its CSRF token matched the session's. A form without a
    /// matching token (another site's, or a session that has ended) changes nothing.
    func handleForm(
        _ request: Request, _ context: EmporiumRequestContext, _ build: (inout Visit, FormQuery) async throws -> Outcome
    ) async -> Response {
        var visit = self.sessions.visit(request, context)
        await self.categories.refreshIfStale()
        return await self.respond(&visit) { visit in
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: Self.formLimit)
            } catch {
                return .page(self.message(visit, status: .contentTooLarge, heading: "That form was too large", text: "Please go back and try again with less text."))
            }
            let form = FormQuery(String(buffer: body))
            guard Sessions.csrfMatches(try? form["csrf"], visit) else {
                return .page(self.message(
                    visit, status: .forbidden, heading: "Please try that again",
                    text: "Your session had expired or the form came from somewhere else, so nothing was changed. Go back, reload the page and try again."
                ))
            }
            return try await build(&visit, form)
        }
    }

    private func respond(_ visit: inout Visit, _ build: (inout Visit) async throws -> Outcome) async -> Response {
        let outcome: Outcome
        do {
            outcome = try await build(&visit)
        } catch let problem as Problem where problem.status == .badRequest {
            outcome = .page(self.message(visit, status: .badRequest, heading: "We could not read that", text: "The address or form held characters we cannot accept. Please go back and try again."))
        } catch {
            // The shopper sees an apology; the operator sees the cause.
            self.logger.warning("Storefront page failed", metadata: ["error": "\(String(reflecting: error))"])
            outcome = .page(self.message(visit, status: .serviceUnavailable, heading: "We'll be right back", text: "The shop could not load this page just now. Please try again in a moment."))
        }
        var headers = Self.pageHeaders
        if let cookie = self.sessions.setCookie(visit) { headers[.setCookie] = cookie }
        switch outcome {
        case .redirect(let location):
            headers[.location] = location
            return Response(status: .seeOther, headers: headers)
        case .page(let page):
            if page.status == .serviceUnavailable { headers[.retryAfter] = "5" }
            return Response(status: page.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page.html)))
        case .filled(let status, let body):
            return Response(status: status, headers: headers, body: .init(byteBuffer: body))
        }
    }

    /// A page that is the same for every shopper but its slots: from the cache while it is
    /// fresh, else `build` (which renders with `visit` nil) and kept if it is a 200.
    func shared(_ key: String, _ visit: Visit, _ build: () async throws -> Page) async throws -> Outcome {
        let page: SharedPageCache.Shared
        if let kept = self.cache.page(key) {
            page = kept
        } else {
            let built = try await build()
            page = SharedPageCache.cut(built.html, status: Int(built.status.code))
            if built.status == .ok { self.cache.keep(key, page) }
        }
        let body = SharedPageCache.fill(page, account: self.accountNav(visit), csrf: visit.cookie?.csrf ?? "")
        return .filled(status: HTTPResponse.Status(code: page.status), body: body)
    }

    /// The header's account links for this shopper (or a guest).
    func accountNav(_ visit: Visit) -> String {
        var view: [String: Any] = ["cartCount": visit.cookie?.cartCount ?? 0]
        if let account = visit.account { view["account"] = AccountView(name: account.name) }
        if let csrf = visit.cookie?.csrf { view["csrf"] = csrf }
        return self.pages.render("account-nav", view) ?? ""
    }

    /// `template` inside the layout, with the header for this visit; for nil, the page every
    /// shopper shares, with slots for the account links and the CSRF token.
    func render(
        _ template: String, _ visit: Visit?, title: String, description: String = "Emporium: a shop you can trust.", canonical: String? = nil,
        categories: [ShelfCategory]? = nil, current: String? = nil, search: String = "", notice: String? = nil, alert: String? = nil,
        view: [String: Any]
    ) -> String {
        var context = view
        context["layout"] = LayoutView(
            title: title, description: description, canonical: canonical, stylesheet: self.assets.path("storefront.css"),
            categories: (categories ?? self.categories.latest).map {
                CategoryLink(name: $0.name, href: "/categories/" + Paths.segment($0.slug), productCount: $0.productCount, current: $0.slug == current)
            },
            search: search,
            accountNav: visit.map(self.accountNav) ?? SharedPageCache.accountSlot,
            notice: notice,
            alert: alert
        )
        context["favicon"] = self.assets.path("favicon.svg")
        if let visit {
            if let csrf = visit.cookie?.csrf { context["csrf"] = csrf }
        } else {
            context["csrf"] = SharedPageCache.csrfSlot
        }
        return self.pages.render(template, context) ?? "<!DOCTYPE html><title>Emporium</title>"
    }

    /// A page that only says something (not found, try again, …).
    func message(_ visit: Visit?, status: HTTPResponse.Status, heading: String, text: String) -> Page {
        Page(status: status, html: self.render("message", visit, title: heading + " — Emporium", view: ["heading": heading, "text": text]))
    }
}
