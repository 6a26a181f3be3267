"""A shopper: one headless Chromium driven through the storefront by the page contract's ids.

Every step waits explicitly (WebDriverWait) and ends with a numbered full-page screenshot.
A missing element fails with the page's URL, title, heading and any alert, so a page that is
not built yet (or breaks the contract) says so in one line.
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.parse
import uuid
from datetime import date
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

import htmlcheck

WAIT_SECONDS = 10
APPROVED = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"
# What must never reach a shopper's screen: a stack trace, a raw problem+json body.
LEAKS = re.compile(r'Traceback|Fatal error|\bat /|\.swift:\d+|"(?:type|detail|status|title)"\s*:')
PASSWORD = "correct horse battery"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",  # root in a container: Chromium's sandbox needs user namespaces
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
    # Nothing but the shop under test: no update checks, sync, or first-run pages.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--lang=en-US",
]


def new_driver() -> webdriver.Chrome:
    """Headless Chromium from the Debian packages; both paths given so Selenium Manager stays idle."""
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("EMPORIUM_CHROMIUM", "/usr/lib/chromium/chromium")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    service = Service(executable_path=os.environ.get("EMPORIUM_CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    return driver


def money(text: str) -> int:
    """Cents in the first `$1,234.56` of `text`."""
    match = re.search(r"\$\s*([\d,]+)\.(\d{2})", text)
    if not match:
        raise AssertionError(f"no price like $12.34 in {text!r}")
    return int(match.group(1).replace(",", "")) * 100 + int(match.group(2))


def unique_email(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:12]}@example.com"


class Shopper:
    def __init__(self, driver: webdriver.Chrome, base_url: str, folder: Path):
        self.driver = driver
        self.base_url = base_url.rstrip("/")
        self.folder = folder
        self.step = 0
        self.html_problems: dict[str, list[str]] = {}
        self._checked: set[str] = set()
        self.email: str | None = None
        self.name: str | None = None

    # --- screenshots -------------------------------------------------------------------------

    def shot(self, name: str) -> Path:
        """A numbered PNG of the whole page (not just the 1280x900 viewport)."""
        self.step += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.step:02d}-{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
        try:
            metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            width, height = max(1, int(size["width"])), max(1, min(int(size["height"]), 6000))
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            })
            path.write_bytes(base64.b64decode(shot["data"]))
        except Exception:  # noqa: BLE001 - a viewport shot is still worth having
            self.driver.get_screenshot_as_file(str(path))
        return path

    # --- finding things ----------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.driver.current_url).path

    def describe(self) -> str:
        """Where we are, for failure messages."""
        def first(css: str) -> str:
            found = self.driver.find_elements(By.CSS_SELECTOR, css)
            return found[0].text.strip()[:200] if found else "-"
        where = (f"at {self.driver.current_url} (title {self.driver.title!r}; h1 {first('h1')!r}; "
                 f"alert {first('[role=alert]')!r}; notice {first('[role=status]')!r})")
        if not self.has("main#main"):
            body = " ".join(first("body").split())
            where += f"; the page reads {body[:200]!r}"
        return where

    def find(self, css: str, what: str, *, timeout: float = WAIT_SECONDS, visible: bool = False) -> WebElement:
        """The element, or an AssertionError naming what the contract expected and where we are."""
        condition = EC.visibility_of_element_located if visible else EC.presence_of_element_located
        try:
            return WebDriverWait(self.driver, timeout).until(condition((By.CSS_SELECTOR, css)))
        except TimeoutException:
            raise AssertionError(f"{what}: no `{css}` {self.describe()}") from None

    def find_all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def has(self, css: str) -> bool:
        return bool(self.driver.find_elements(By.CSS_SELECTOR, css))

    def wait_until(self, condition, what: str, timeout: float = WAIT_SECONDS):
        try:
            return WebDriverWait(self.driver, timeout).until(condition)
        except TimeoutException:
            raise AssertionError(f"{what} {self.describe()}") from None

    # --- navigating --------------------------------------------------------------------------

    def _page_loaded(self, name: str, *, raw_check: bool = True) -> None:
        self.find("main#main", "every page has <main id=main>")
        if raw_check:
            self.check_html()
        self.shot(name)

    def go(self, path: str, name: str) -> None:
        self.driver.get(self.url(path))
        self._page_loaded(name)

    def follow(self, element: WebElement, name: str, *, keys: str | None = None) -> None:
        """Click (or send `keys` to) something that loads a new page, and wait for that page.

        After a POST the page on screen is either a redirect's target (fetched by GET: its raw
        HTML is checked) or the POST's own answer (an error page: checked by the HTML test,
        which can replay the POST).
        """
        form = self.driver.execute_script(
            "const f = arguments[0].form || arguments[0].closest('form');"
            "return f ? [f.method.toLowerCase(), f.action] : null;", element)
        # A mark on the old page's window, gone once the new page is there. (Not staleness_of
        # on an element: chromedriver sometimes answers a lookup mid-navigation with "Node with
        # given id does not belong to the document", which WebDriverWait does not ignore.)
        token = uuid.uuid4().hex
        self.driver.execute_script("window.__emporiumPage = arguments[0]", token)
        if keys is not None:
            element.send_keys(keys)
        else:
            element.click()

        def new_page(driver) -> bool:
            return driver.execute_script(
                "return window.__emporiumPage !== arguments[0] && document.readyState === 'complete'", token)

        try:
            WebDriverWait(self.driver, WAIT_SECONDS, ignored_exceptions=(WebDriverException,)).until(new_page)
        except TimeoutException:
            raise AssertionError(f"no new page after {name!r} {self.describe()}") from None
        posted_here = bool(form and form[0] == "post"
                           and urllib.parse.urlsplit(form[1]).path == self.path)
        self._page_loaded(name, raw_check=not posted_here)

    def click_link(self, css: str, what: str, name: str) -> None:
        self.follow(self.find(css, what), name)

    def fill(self, field_id: str, value: str) -> None:
        element = self.find(f"#{field_id}", f"form field {field_id!r}")
        if element.tag_name == "select":
            select = Select(element)
            try:
                select.select_by_value(value)
            except NoSuchElementException:
                select.select_by_visible_text(value)
        else:
            element.clear()
            element.send_keys(value)

    # --- what the header says ----------------------------------------------------------------

    def cart_count(self) -> int:
        link = self.find("#cart-link", "the header's cart link")
        match = re.fullmatch(r"Cart \((\d+)\)", link.text.strip())
        assert match, f"header cart link reads {link.text!r}, expected 'Cart (N)'"
        return int(match.group(1))

    def notice(self) -> str:
        return self.find("p.notice[role=status]", "a notice after the redirect").text.strip()

    def alert(self) -> str:
        return self.find("[role=alert]", "an error message on the page").text.strip()

    # --- raw HTML ----------------------------------------------------------------------------

    def cookies(self) -> dict[str, str]:
        return {c["name"]: c["value"] for c in self.driver.get_cookies()}

    def raw(self, path_or_url: str, **kwargs) -> htmlcheck.Response:
        url = path_or_url if path_or_url.startswith("http") else self.url(path_or_url)
        return htmlcheck.fetch(url, self.cookies(), **kwargs)

    def check_html(self, url: str | None = None) -> None:
        """Fetch the page's raw HTML with this browser's cookies and record what is wrong with it."""
        url = url or self.driver.current_url
        if url in self._checked:
            return
        self._checked.add(url)
        answer = htmlcheck.fetch(url, self.cookies(), follow_redirects=True)
        found = htmlcheck.problems(answer)
        if answer.status != 200:
            found.insert(0, f"status {answer.status}")
        if found:
            self.html_problems[url] = found

    def assert_html_clean(self) -> None:
        assert not self.html_problems, "HTML problems on pages this flow visited:\n" + "\n".join(
            f"  {url}:\n" + "\n".join(f"    - {p}" for p in found) for url, found in self.html_problems.items())

    # --- the shop's common moves -------------------------------------------------------------

    def register(self, label: str) -> tuple[str, str]:
        """A new account through /register; leaves the browser signed in on the next page."""
        self.name = f"Tess {label.title()}"
        self.email = unique_email(label)
        self.go("/register", "register-form")
        self.find("form#register-form[method=post]", "the register form")
        self.fill("name", self.name)
        self.fill("email", self.email)
        self.fill("password", PASSWORD)
        self.follow(self.find("#register-button", "the register button"), "registered")
        greeting = self.find("#greeting", "the signed-in header after registering").text
        assert self.name in greeting, f"greeting {greeting!r} does not name {self.name!r}"
        return self.email, PASSWORD

    def sign_in(self, email: str, password: str, name: str) -> None:
        self.fill("email", email)
        self.fill("password", password)
        self.follow(self.find("#login-button", "the sign-in button"), name)

    def open_product(self, slug: str, name: str = "product") -> None:
        self.go(f"/products/{slug}", name)
        self.find("form#add-to-cart", "the product page's add-to-cart form")

    def add_to_cart(self, quantity: int = 1, name: str = "added-to-cart") -> str:
        """Add the selected variant from the open product page; returns its SKU (on /cart after)."""
        checked = self.find("#add-to-cart input[name=sku]:checked", "a selected variant")
        sku = checked.get_attribute("value")
        self.fill("quantity", str(quantity))
        self.follow(self.find("#add-button", "the Add to cart button"), name)
        assert self.path == "/cart", f"adding to cart should land on /cart {self.describe()}"
        self.find(f'tr.line[data-sku="{sku}"]', f"the cart line for {sku}")
        return sku

    def checkout(self, card: str, name: str) -> None:
        """Fill the open checkout form and place the order."""
        self.find("form#checkout-form", "the checkout form")
        for field, value in {
            "name": self.name or "Tess Tester", "line1": "1 Main Street", "line2": "Flat 2",
            "city": "Springfield", "postalCode": "12345", "country": "US", "cardNumber": card,
            "expMonth": "12", "expYear": str(date.today().year + 2), "cvc": "123",
        }.items():
            self.fill(field, value)
        self.shot(f"{name}-filled")
        self.follow(self.find("#place-order", "the Place order button"), name)

    def first_product_slug(self, min_variants: int = 1) -> str:
        """A product from the public API with at least `min_variants` variants (the demo catalog)."""
        answer = htmlcheck.fetch(self.url("/api/v1/products?limit=100&sort=name"))
        assert answer.status == 200, f"GET /api/v1/products: {answer.status}"
        for product in json.loads(answer.body)["items"]:
            if len(product["variants"]) >= min_variants:
                return product["slug"]
        raise AssertionError(f"no product with {min_variants} variants in the first 100")
