"""Every storefront page's raw HTML (as the server sends it) parses strictly and is accessible.

The pages a shopper sees, signed out and signed in, and the error pages a POST renders (a
declined card, a wrong password, a taken email), each checked by htmlcheck.problems: strict
html5lib parse, a title, `lang`, alt text, a label on every field, a CSRF field in every POST
form, `Content-Type: text/html; charset=utf-8`.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
from datetime import date

import htmlcheck
from shopper import APPROVED, DECLINED, LEAKS, PASSWORD, Shopper, unique_email


class Report:
    """Collects every page's problems so one run names all of them."""

    def __init__(self):
        self.found: dict[str, list[str]] = {}
        self.count = 0

    def check(self, label: str, answer: htmlcheck.Response, status: int, must_contain: str | None = None) -> str:
        self.count += 1
        found = htmlcheck.problems(answer)
        if answer.status != status:
            found.insert(0, f"status {answer.status}, expected {status}")
        if must_contain and must_contain.lower() not in answer.text.lower():
            found.append(f"does not mention {must_contain!r}")
        if LEAKS.search(answer.text):
            found.append(f"leaks a stack trace or JSON: {LEAKS.search(answer.text).group(0)!r}")
        if found:
            self.found[f"{label} ({answer.url})"] = found
        return answer.text

    def assert_clean(self, extra: dict[str, list[str]] | None = None):
        found = {**self.found, **(extra or {})}
        assert not found, f"HTML problems on {len(found)} of {self.count} pages:\n" + "\n".join(
            f"  {page}:\n" + "\n".join(f"    - {p}" for p in problems) for page, problems in found.items())


def form_page(url: str, form_id: str, **kwargs) -> tuple[htmlcheck.Response, dict[str, str]]:
    """GET a page holding a form, and that form's default fields (csrf included)."""
    answer = htmlcheck.fetch(url, follow_redirects=True, **kwargs)
    assert answer.status == 200, f"GET {url}: {answer.status}, expected the page with form#{form_id}: {answer.text[:200]!r}"
    return answer, htmlcheck.form_fields(answer.text, form_id)


def checkout_form(text: str, card: str) -> dict[str, str]:
    fields = htmlcheck.form_fields(text, "checkout-form")
    fields.update(name="Hal Html", line1="1 Main Street", line2="", city="Springfield", postalCode="12345",
                  country="US", cardNumber=card, expMonth="12", expYear=str(date.today().year + 2), cvc="123")
    return fields


def first_product(base_url: str) -> dict:
    return json.loads(htmlcheck.fetch(f"{base_url}/api/v1/products?limit=1&sort=name").body)["items"][0]


def test_catalog_pages_are_valid_accessible_html(base_url: str):
    report = Report()
    product = first_product(base_url)
    word = max(re.findall(r"[A-Za-z]{3,}", product["name"]), key=len)

    # Signed out, straight from the server.
    home = report.check("home", htmlcheck.fetch(f"{base_url}/"), 200)
    category = re.search(r'href="(/categories/[^"?]+)"', home)
    assert category, "the home page links no category"
    for label, path, status in [
        ("category", category.group(1), 200),
        ("category sorted", f"{category.group(1)}?sort=-price", 200),
        ("product", f"/products/{product['slug']}", 200),
        ("search", f"/search?q={word}", 200),
        ("search, no results", "/search?q=zzqqxx", 200),
        ("unknown product", "/products/no-such-product", 404),
    ]:
        report.check(label, htmlcheck.fetch(base_url + path), status)
    report.assert_clean()


def test_account_pages_are_valid_accessible_html(shopper: Shopper, base_url: str):
    report = Report()
    product = first_product(base_url)
    for label, path in [("sign in", "/login"), ("register", "/register"), ("empty cart", "/cart")]:
        report.check(label, htmlcheck.fetch(base_url + path), 200)

    # Error pages that a POST renders, as a guest with its own cookie jar.
    jar = http.cookiejar.CookieJar()
    existing = unique_email("html-taken")
    answer = htmlcheck.fetch_json(f"{base_url}/api/v1/auth/register",
                                  {"email": existing, "password": PASSWORD, "name": "Tak En"})
    assert answer.status == 201, f"POST /api/v1/auth/register: {answer.status}"
    _, fields = form_page(f"{base_url}/login", "login-form", jar=jar)
    fields.update(email=existing, password="not the password")
    report.check("wrong password", htmlcheck.fetch(f"{base_url}/login", data=fields, jar=jar), 401, "do not match")
    _, fields = form_page(f"{base_url}/register", "register-form", jar=jar)
    fields.update(name="Tak En", email=existing, password=PASSWORD)
    report.check("email taken", htmlcheck.fetch(f"{base_url}/register", data=fields, jar=jar), 409)
    fields.update(email=unique_email("html-short"), password="short")
    report.check("password too short", htmlcheck.fetch(f"{base_url}/register", data=fields, jar=jar), 422)

    # Signed in, in the browser (which checks each page it lands on), then the pages by hand.
    shopper.register("html")
    shopper.open_product(product["slug"])
    shopper.add_to_cart(1)
    checkout = report.check("checkout", shopper.raw("/checkout"), 200, "4242 4242 4242 4242")
    report.check("declined card", shopper.raw("/checkout", data=checkout_form(checkout, DECLINED)), 402, "declined")
    checkout = report.check("checkout after the decline", shopper.raw("/checkout"), 200)
    invalid = checkout_form(checkout, APPROVED) | {"postalCode": "", "cvc": "1"}
    report.check("invalid address and card", shopper.raw("/checkout", data=invalid), 422)
    report.check("cart", shopper.raw("/cart"), 200)
    shopper.go("/checkout", "checkout")
    shopper.checkout(APPROVED, "order-confirmed")
    order_path = shopper.path
    for label, path in [("order confirmation", shopper.driver.current_url), ("order", order_path),
                        ("orders", "/account/orders"), ("signed-in home", "/"), ("signed-in product", f"/products/{product['slug']}")]:
        report.check(label, shopper.raw(path, follow_redirects=True), 200)
    shopper.go("/account/orders", "orders")
    report.assert_clean(shopper.html_problems)


def test_forms_refuse_a_missing_csrf_token(base_url: str):
    """A POST without the form's csrf field changes nothing: no session, no cart line."""
    email = unique_email("csrf")
    answer = htmlcheck.fetch_json(f"{base_url}/api/v1/auth/register",
                                  {"email": email, "password": PASSWORD, "name": "Cee Surf"})
    assert answer.status == 201
    jar = http.cookiejar.CookieJar()
    _, fields = form_page(f"{base_url}/login", "login-form", jar=jar)
    assert fields.get("csrf"), "the sign-in form carries a csrf field"
    fields.update(email=email, password=PASSWORD)
    refused = htmlcheck.fetch(f"{base_url}/login", data={k: v for k, v in fields.items() if k != "csrf"}, jar=jar)
    assert refused.status in (400, 403, 422), f"sign-in without csrf: {refused.status}"
    assert "text/html" in refused.headers.get("content-type", ""), "the refusal is a page, not JSON"
    forged = htmlcheck.fetch(f"{base_url}/login", data=fields | {"csrf": "forged"}, jar=jar)
    assert forged.status in (400, 403, 422), f"sign-in with a forged csrf: {forged.status}"
    home = htmlcheck.fetch(f"{base_url}/", jar=jar)
    assert 'id="greeting"' not in home.text, "a POST without a valid csrf token signed the browser in"
    accepted = htmlcheck.fetch(f"{base_url}/login", data=fields, jar=jar)
    assert accepted.status == 303, f"the same sign-in with its csrf field: {accepted.status}"
