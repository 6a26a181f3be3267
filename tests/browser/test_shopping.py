"""The storefront in a real browser: each test is a shopper's whole errand, with its own user.

Element ids and texts are the page contract's (issue 14). Every page a flow visits also has
its raw HTML checked (htmlcheck.problems), reported at the end of the flow.
"""

from __future__ import annotations

import json
import re
import urllib.parse

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

import htmlcheck
from shopper import APPROVED, DECLINED, LEAKS, PASSWORD, Shopper, money, unique_email



def order_id_from(shopper: Shopper) -> str:
    match = re.fullmatch(r"/account/orders/([^/]+)", shopper.path)
    assert match, f"expected an order page /account/orders/ID {shopper.describe()}"
    return match.group(1)


def test_shop_end_to_end(shopper: Shopper):
    shopper.go("/", "home")
    shopper.register("shop")

    # A category from the header's navigation.
    category = shopper.find("nav.categories a[href^='/categories/']", "a category link in the header")
    category_name = category.text.strip()
    shopper.follow(category, "category")
    heading = shopper.find("h1", "the category heading").text
    assert category_name in heading, f"category page heading {heading!r}, clicked {category_name!r}"
    cards = shopper.find_all("li.card a[href^='/products/']")
    assert cards, f"no product cards on the category page {shopper.describe()}"

    # Search for a word of the first product's name, through the header's search box.
    product_name = shopper.find("li.card .card-name", "a product card's name").text.strip()
    word = max(re.findall(r"[A-Za-z]{3,}", product_name), key=len)
    search = shopper.find("form[role=search] input#q", "the header search box")
    search.clear()
    search.send_keys(word)
    shopper.follow(search, "search", keys=Keys.ENTER)
    assert shopper.path == "/search", f"search should land on /search {shopper.describe()}"
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(shopper.driver.current_url).query).get("q") == [word]
    result = [a for a in shopper.find_all("li.card a[href^='/products/']") if product_name in a.text]
    assert result, f"searching {word!r} does not list {product_name!r} {shopper.describe()}"

    # The product; a variant other than the default when there is one in stock.
    shopper.follow(result[0], "product")
    assert shopper.find("h1", "the product heading").text.strip() == product_name
    radios = shopper.find_all("#add-to-cart input[type=radio][name=sku]")
    assert radios, f"no variant radios in #add-to-cart {shopper.describe()}"
    assert sum(r.is_selected() for r in radios) == 1, "exactly one variant is checked by default"
    others = [r for r in radios if r.is_enabled() and not r.is_selected()]
    chosen = others[0] if others else next(r for r in radios if r.is_selected())
    sku = chosen.get_attribute("value")
    assert chosen.get_attribute("id") == f"v-{sku}"
    shopper.find(f"label[for='v-{sku}']", "the variant's label").click()
    assert chosen.is_selected(), f"clicking the label of {sku} did not select it"
    shopper.shot("variant")

    # Add one; then two in the cart.
    added = shopper.add_to_cart(1, "cart")
    assert added == sku, f"the cart got {added}, the chosen variant was {sku}"
    assert "added" in shopper.driver.current_url, "adding redirects to /cart?notice=added"
    shopper.notice()
    assert shopper.cart_count() == 1
    subtotal_one = money(shopper.find("#subtotal", "the cart subtotal").text)
    quantity = shopper.find(f"#qty-{sku}", "the line's quantity input")
    quantity.clear()
    quantity.send_keys("2")
    update = quantity.find_element(By.XPATH, "ancestor::form//button[normalize-space()='Update']")
    shopper.follow(update, "cart-updated")
    assert shopper.cart_count() == 2
    assert shopper.find(f"#qty-{sku}", "the line's quantity").get_attribute("value") == "2"
    subtotal_two = money(shopper.find("#subtotal", "the cart subtotal").text)
    assert subtotal_two == 2 * subtotal_one, f"subtotal {subtotal_one} -> {subtotal_two} for 1 -> 2 units"

    # Check out with the approved card.
    shopper.click_link("#checkout-link", "the cart's Checkout link", "checkout")
    page = shopper.find("main#main", "checkout").text
    assert "4242 4242 4242 4242" in page and "4000 0000 0000 0002" in page, "the demo cards are shown"
    shopper.checkout(APPROVED, "order-confirmed")
    order_id = order_id_from(shopper)
    assert "confirmed" in shopper.notice().lower()
    assert shopper.find("#order-status", "the order status").text.strip() == "Paid"

    # The order in the history, opened, cancelled.
    shopper.click_link("#orders-link", "the header's Orders link", "orders")
    row = shopper.find(f'#orders tr.order[data-id="{order_id}"]', "the new order in the history")
    assert "Paid" in row.text, f"order row reads {row.text!r}"
    shopper.follow(row.find_element(By.CSS_SELECTOR, f"a[href='/account/orders/{order_id}']"), "order")
    assert shopper.find("#order-status", "the order status").text.strip() == "Paid"
    assert "4242" in shopper.find("main#main", "order").text, "the order shows the card's last four"
    shopper.follow(shopper.find("#cancel-button", "the Cancel order button"), "order-cancelled")
    assert order_id_from(shopper) == order_id
    assert shopper.find("#order-status", "the order status").text.strip() == "Cancelled"
    assert not shopper.has("#cancel-button"), "a cancelled order offers no cancel button"
    shopper.click_link("#orders-link", "the header's Orders link", "orders-after-cancel")
    row = shopper.find(f'#orders tr.order[data-id="{order_id}"]', "the cancelled order in the history")
    assert "Cancelled" in row.text, f"order row reads {row.text!r}"
    shopper.assert_html_clean()


def test_declined_card_then_approved(shopper: Shopper):
    shopper.register("decline")
    shopper.open_product(shopper.first_product_slug())
    sku = shopper.add_to_cart(1)
    shopper.click_link("#checkout-link", "the cart's Checkout link", "checkout")
    shopper.checkout(DECLINED, "declined")

    assert shopper.path == "/checkout", f"a declined card stays on the checkout page {shopper.describe()}"
    alert = shopper.alert()
    assert "declined" in alert.lower(), f"alert {alert!r} does not say the card was declined"
    body = shopper.find("body", "the page").text
    assert not LEAKS.search(shopper.driver.page_source), "the decline page leaks a stack trace or JSON"
    assert not body.lstrip().startswith("{"), "the decline page is a JSON body"
    shopper.find("form#checkout-form", "the checkout form again, to try another card")
    assert shopper.cart_count() == 1, "the declined checkout kept the cart"
    cart = shopper.raw("/cart")
    assert f'data-sku="{sku}"' in cart.text, "the cart page still lists the item after the decline"

    # Another card on the same page.
    shopper.checkout(APPROVED, "paid-after-decline")
    order_id_from(shopper)
    assert "confirmed" in shopper.notice().lower()
    assert shopper.find("#order-status", "the order status").text.strip() == "Paid"
    shopper.assert_html_clean()


def test_guest_cart_merged_when_registering(shopper: Shopper):
    shopper.go("/", "home-as-guest")
    shopper.find("#login-link", "a fresh browser is a guest: the header's Sign in link")
    assert not shopper.has("#greeting"), "a fresh browser is a guest, yet the header greets someone"
    shopper.open_product(shopper.first_product_slug())
    sku = shopper.add_to_cart(1, "guest-cart")
    assert shopper.cart_count() == 1

    shopper.click_link("#register-link", "the header's Register link", "register-form")
    shopper.name, shopper.email = "Gail Guest", unique_email("guest")
    shopper.fill("name", shopper.name)
    shopper.fill("email", shopper.email)
    shopper.fill("password", PASSWORD)
    shopper.follow(shopper.find("#register-button", "the register button"), "registered")
    shopper.find("#greeting", "the signed-in header")
    assert shopper.cart_count() == 1, "the guest's unit is in the new account's cart"
    shopper.click_link("#cart-link", "the header's cart link", "merged-cart")
    line = shopper.find(f'tr.line[data-sku="{sku}"]', "the guest's line in the account's cart")
    assert shopper.find(f"#qty-{sku}", "its quantity").get_attribute("value") == "1", line.text
    shopper.assert_html_clean()


def test_guest_cart_merged_when_signing_in(shopper: Shopper, base_url: str):
    # An account made through the JSON API, its cart already holding one unit of another product.
    email = unique_email("merge")
    answer = htmlcheck.fetch_json(f"{base_url}/api/v1/auth/register",
                                  {"email": email, "password": PASSWORD, "name": "Mo Merge"})
    assert answer.status == 201, f"POST /api/v1/auth/register: {answer.status} {answer.text[:300]}"
    token = json.loads(answer.body)["accessToken"]
    products = json.loads(htmlcheck.fetch(f"{base_url}/api/v1/products?limit=2&sort=name").body)["items"]
    account_sku = products[1]["variants"][0]["sku"]
    answer = htmlcheck.fetch_json(f"{base_url}/api/v1/cart/items", {"sku": account_sku, "quantity": 1}, token=token)
    assert answer.status == 200, f"POST /api/v1/cart/items: {answer.status} {answer.text[:300]}"

    shopper.open_product(products[0]["slug"], "product-as-guest")
    guest_sku = shopper.add_to_cart(1, "guest-cart")
    assert shopper.cart_count() == 1
    shopper.click_link("#login-link", "the header's Sign in link", "login-form")
    shopper.name = "Mo Merge"
    shopper.sign_in(email, PASSWORD, "signed-in")
    shopper.find("#greeting", "the signed-in header")
    assert shopper.cart_count() == 2, "the guest's unit joined the account's unit"
    shopper.click_link("#cart-link", "the header's cart link", "merged-cart")
    for sku in (guest_sku, account_sku):
        shopper.find(f'tr.line[data-sku="{sku}"]', f"line {sku} in the merged cart")
    shopper.assert_html_clean()


def test_wrong_password_and_sign_out(shopper: Shopper):
    email, password = shopper.register("signout")
    session = shopper.driver.get_cookie("emporium_session")
    assert session, "a signed-in browser holds the emporium_session cookie"
    assert session.get("httpOnly") is True, f"session cookie not HttpOnly: {session}"
    assert session.get("sameSite") == "Lax", f"session cookie not SameSite=Lax: {session}"
    assert session.get("path") == "/", f"session cookie path: {session}"

    shopper.follow(shopper.find("#logout-button", "the header's Sign out button"), "signed-out")
    assert shopper.path == "/", f"signing out lands on / {shopper.describe()}"
    assert shopper.find("#login-link", "the Sign in link after signing out").text.strip() == "Sign in"
    assert not shopper.has("#greeting") and not shopper.has("#orders-link")
    after = shopper.driver.get_cookie("emporium_session")
    assert after is None or after["value"] != session["value"], "signing out left the session cookie as it was"
    # Not checked: replaying a copy of the old cookie. The cookie is sealed and stateless, so
    # a copy opens pages until its confirmation lapses (the access token's lifetime, 15 min),
    # when identity refuses the refresh token that sign-out revoked.
    shopper.go("/account/orders", "orders-signed-out")
    assert shopper.path == "/login", f"/account/orders after signing out should ask to sign in {shopper.describe()}"

    shopper.click_link("#login-link", "the header's Sign in link", "login-form")
    shopper.sign_in(email, "not the password", "wrong-password")
    alert = shopper.alert()
    assert "do not match" in alert, f"wrong password alert reads {alert!r}"
    assert not LEAKS.search(shopper.driver.page_source), "the sign-in error leaks a stack trace or JSON"
    assert shopper.has("#login-link") and not shopper.has("#greeting")
    shopper.find("form#login-form", "the sign-in form again")
    shopper.sign_in(email, password, "signed-in")
    shopper.find("#greeting", "the signed-in header after the right password")
    shopper.follow(shopper.find("#logout-button", "the header's Sign out button"), "signed-out-again")
    assert shopper.find("#login-link", "the Sign in link").text.strip() == "Sign in"
    shopper.assert_html_clean()


def test_keyboard_only_add_to_cart(shopper: Shopper):
    """Variant picked with the arrow keys, TAB to quantity and the button, ENTER submits: no mouse."""
    shopper.open_product(shopper.first_product_slug(min_variants=2))
    checked = shopper.find("#add-to-cart input[name=sku]:checked", "the default variant")
    enabled = [r for r in shopper.find_all("#add-to-cart input[name=sku]") if r.is_enabled()]
    shopper.driver.execute_script("arguments[0].focus()", checked)
    keys = ActionChains(shopper.driver)
    active = lambda: shopper.driver.switch_to.active_element  # noqa: E731

    if len(enabled) > 1:
        keys.send_keys(Keys.ARROW_DOWN).perform()
        now = shopper.find("#add-to-cart input[name=sku]:checked", "a checked variant")
        assert now.get_attribute("value") != checked.get_attribute("value"), "ARROW_DOWN picks the next variant"
        assert active() == now, "focus follows the picked variant"
        checked = now
    shopper.shot("variant-by-keyboard")
    sku = checked.get_attribute("value")

    reached: list[str] = []
    for _ in range(6):
        keys.send_keys(Keys.TAB).perform()
        reached.append(active().get_attribute("id") or active().tag_name)
        if reached[-1] == "add-button":
            break
    assert "quantity" in reached and "add-button" in reached, f"TAB from the variants reached {reached}"
    assert reached.index("quantity") < reached.index("add-button"), f"TAB order {reached}"
    shopper.shot("add-button-focused")

    shopper.follow(active(), "added-by-keyboard", keys=Keys.ENTER)
    assert shopper.path == "/cart", f"ENTER on the Add button lands on /cart {shopper.describe()}"
    shopper.find(f'tr.line[data-sku="{sku}"]', f"the keyboard-picked {sku} in the cart")
    assert shopper.cart_count() == 1
    shopper.assert_html_clean()


def test_pages_fit_a_phone(shopper: Shopper):
    """At a phone's width (390 CSS px, the viewport meta honoured) no page scrolls sideways."""
    shopper.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    slug = shopper.first_product_slug(min_variants=2)
    overflowing: list[str] = []

    def visit(path: str, name: str) -> None:
        shopper.go(path, name)
        widths = shopper.driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if widths[0] > widths[1]:
            overflowing.append(f"{path}: {widths[0]} px wide in a {widths[1]} px viewport")

    visit("/", "phone-home")
    category = shopper.find("nav.categories a[href^='/categories/']", "a category link").get_attribute("href")
    visit(urllib.parse.urlsplit(category).path, "phone-category")
    visit(f"/products/{slug}", "phone-product")
    shopper.add_to_cart(1, "phone-cart")
    visit("/login", "phone-login")
    shopper.register("phone")
    visit("/checkout", "phone-checkout")
    assert not overflowing, "pages wider than a phone:\n" + "\n".join(overflowing)
    shopper.assert_html_clean()
