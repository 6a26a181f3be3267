import EmporiumCart
import EmporiumCatalog
import EmporiumCore
import EmporiumIdentity
import EmporiumInventory
import EmporiumOrders
import EmporiumPayments
@testable import EmporiumStorefront
import EmporiumTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Shopping through the storefront's pages on the demo catalog, with every service it
/// calls running as the embedded default runs them (gRPC in process, SQLite).
@Suite struct ShoppingPagesTests {
    static func withShop(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        _ = try await TestPlatform.with(
            .sqlite,
            services: [IdentityService.self, CatalogService.self, InventoryService.self, CartService.self, PaymentsService.self, OrdersService.self, StorefrontService.self],
            environment: ["EMPORIUM_SEED_DEMO": "true"],
            verifier: nil
        ) { platform in
            try await platform.buildApplication().test(.router) { client in try await body(client) }
        }
    }

    /// The first product page on the home page, and the SKU its form picks.
    static func someProduct(_ browser: ShopperBrowser) async throws -> (page: ShopperBrowser.Page, path: String, sku: String) {
        let home = try await browser.get("/")
        let path = try #require(CatalogPagesTests.links(home.body, "/products/").first)
        let page = try await browser.get(path)
        // The variant the form picks: the first one in stock, checked.
        let checked = try Regex(#"name="sku" value="([^"]+)" checked"#)
        let sku = try #require(page.body.firstMatch(of: checked).map { String($0.output[1].substring ?? "") })
        return (page, path, sku)
    }

    static func register(_ browser: ShopperBrowser, next: String? = nil) async throws -> (ShopperBrowser.Page, String) {
        let form = try await browser.get("/register" + (next.map { "?next=" + $0 } ?? ""))
        let email = "shopper-\(UUID().uuidString.prefix(8))@example.com"
        var fields = [("name", "Ada <Lovelace>"), ("email", email), ("password", "correct horse")]
        if let next { fields.append(("next", next)) }
        return (try await browser.post("/register", fields, from: form), email)
    }

    static func address(card: String, key: String) -> [(String, String)] {
        [
            ("key", key), ("name", "Ada Lovelace"), ("line1", "1 Analytical Way"), ("city", "London"), ("postalCode", "N1 9GU"), ("country", "gb"),
            ("cardNumber", card), ("expMonth", "12"), ("expYear", "2031"), ("cvc", "123"),
        ]
    }

    @Test func aGuestFillsACartSignsUpAndChecksOut() async throws {
        try await Self.withShop { client in
            let browser = ShopperBrowser(client)
            // A guest: the product page starts the session (its form needs the CSRF token).
            let (product, _, sku) = try await Self.someProduct(browser)
            #expect(product.body.contains("id=\"add-button\""))
            let cookie = try #require(browser.setCookies.first)
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/") && !cookie.contains("Secure"))
            let added = try await browser.post("/cart/items", [("sku", sku), ("quantity", "1")], from: product)
            #expect(added.status == .seeOther && added.location == "/cart?notice=added")
            var cart = try await browser.get("/cart?notice=added")
            #expect(cart.notice == "Added to your cart." && cart.body.contains("Cart (1)") && cart.body.contains("data-sku=\"\(sku)\""))

            // Signing up keeps the guest's cart: it is merged into the new account's.
            let (registered, _) = try await Self.register(browser, next: "/cart")
            #expect(registered.status == .seeOther && registered.location == "/cart")
            cart = try await browser.get("/cart")
            #expect(cart.body.contains("Hi, Ada &lt;Lovelace&gt;") && cart.body.contains("Cart (1)") && cart.body.contains("data-sku=\"\(sku)\""))

            // Two of them.
            let updated = try await browser.post("/cart/items/\(sku)", [("quantity", "2")], from: cart)
            #expect(updated.location == "/cart?notice=updated")
            cart = try await browser.get("/cart")
            #expect(cart.body.contains("Cart (2)") && cart.body.contains("value=\"2\""))

            // A declined card: a clear message, nothing charged, the cart kept, a new key.
            var checkout = try await browser.get("/checkout")
            #expect(checkout.status == .ok && checkout.body.contains("4242 4242 4242 4242") && checkout.body.contains("4000 0000 0000 0002"))
            let firstKey = try #require(checkout.value(of: "key"))
            let declined = try await browser.post("/checkout", Self.address(card: "4000 0000 0000 0002", key: firstKey), from: checkout)
            #expect(declined.status.code == 402)
            #expect(declined.alert?.contains("declined") == true && declined.alert?.contains("not been charged") == true)
            #expect(!declined.body.contains("4000 0000 0000 0002\"") && declined.value(of: "line1") == "1 Analytical Way")
            let secondKey = try #require(declined.value(of: "key"))
            #expect(secondKey != firstKey)
            #expect(try await browser.get("/cart").body.contains("Cart (2)"))

            // The approved card: the confirmation is the order's page.
            checkout = try await browser.post("/checkout", Self.address(card: "4242 4242 4242 4242", key: secondKey), from: declined)
            #expect(checkout.status == .seeOther)
            let confirmation = try #require(checkout.location)
            #expect(confirmation.hasPrefix("/account/orders/") && confirmation.hasSuffix("?notice=placed"))
            // The same form posted again (a double click): the same order, not a second one.
            let again = try await browser.post("/checkout", Self.address(card: "4242 4242 4242 4242", key: secondKey), from: declined)
            #expect(again.location == confirmation)
            let order = try await browser.get(confirmation)
            #expect(order.notice == "Thank you! Your order is confirmed.")
            #expect(order.body.contains("id=\"order-status\" class=\"status status-paid\">Paid<") && order.body.contains("Visa ending in 4242"))
            #expect(order.body.contains("Cart (0)"))

            // History: the paid order and the failed one, newest first.
            let history = try await browser.get("/account/orders")
            let orderId = String(confirmation.dropFirst("/account/orders/".count).prefix { $0 != "?" })
            #expect(history.body.components(separatedBy: "class=\"order\"").count == 3)
            #expect(history.body.components(separatedBy: "class=\"order\"")[1].contains(orderId))

            // Cancel: refunded, and it says so.
            let cancelled = try await browser.post("/account/orders/\(orderId)/cancel", [], from: order)
            #expect(cancelled.location == "/account/orders/\(orderId)?notice=cancelled")
            let after = try await browser.get("/account/orders/\(orderId)")
            #expect(after.body.contains(">Cancelled<") && !after.body.contains("id=\"cancel-form\""))
        }
    }

    @Test func formsWithoutTheSessionsTokenChangeNothing() async throws {
        try await Self.withShop { client in
            let browser = ShopperBrowser(client)
            let (product, _, sku) = try await Self.someProduct(browser)
            // No token, a wrong one, another session's: 403 and the cart stays empty.
            let other = ShopperBrowser(client)
            let otherPage = try await other.get("/login")
            for csrf in ["", "forged", try #require(otherPage.csrf)] {
                let refused = try await browser.post("/cart/items", [("sku", sku), ("quantity", "1"), ("csrf", csrf)])
                #expect(refused.status == .forbidden && refused.body.contains("nothing was changed"))
            }
            #expect(try await browser.get("/cart").body.contains("id=\"empty-cart\""))
            // A cookie this storefront did not seal is no session at all.
            let forged = ShopperBrowser(client, headers: [.cookie: "emporium_session=eyJhY2NvdW50Ijp7ImlkIjoidXNyXzEifX0"])
            let page = try await forged.get("/cart")
            #expect(page.status == .ok && page.body.contains("id=\"login-link\""))
            _ = product
        }
    }

    @Test func signInMistakesAreExplainedAndSignOutEndsTheSession() async throws {
        try await Self.withShop { client in
            let browser = ShopperBrowser(client)
            let (_, email) = try await Self.register(browser)
            let home = try await browser.get("/")
            #expect(home.body.contains("id=\"greeting\""))
            let out = try await browser.post("/logout", [], from: home)
            #expect(out.location == "/?notice=signed-out" && browser.setCookies.last?.contains("Max-Age=0") == true && browser.cookie == nil)
            #expect(try await browser.get("/").body.contains("id=\"login-link\""))

            let login = try await browser.get("/login")
            let wrong = try await browser.post("/login", [("email", email), ("password", "not the password")], from: login)
            #expect(wrong.status == .unauthorized && wrong.alert == "That email and password do not match. Please try again.")
            #expect(wrong.value(of: "email") == email && !wrong.body.contains("not the password"))
            let right = try await browser.post("/login", [("email", email), ("password", "correct horse"), ("next", "https://evil.example/")], from: wrong)
            #expect(right.location == "/?notice=signed-in")

            // Checkout and orders want an account: a guest is sent to sign in first.
            let guest = ShopperBrowser(client)
            #expect(try await guest.get("/checkout").location == "/login?next=/checkout")
            #expect(try await guest.get("/account/orders").location == "/login?next=/account/orders")
        }
    }

    @Test func registrationProblemsAreMessagesOnTheForm() async throws {
        try await Self.withShop { client in
            let browser = ShopperBrowser(client)
            let (_, email) = try await Self.register(browser)
            let other = ShopperBrowser(client)
            let form = try await other.get("/register")
            let taken = try await other.post("/register", [("name", "Bob"), ("email", email), ("password", "long enough")], from: form)
            #expect(taken.status == .conflict && taken.alert?.contains("exists already") == true)
            let short = try await other.post("/register", [("name", "Bob"), ("email", "bob@example.com"), ("password", "short")], from: form)
            #expect(short.status == .unprocessableContent && short.alert?.contains("8 to 72") == true && short.value(of: "name") == "Bob")
        }
    }
}
