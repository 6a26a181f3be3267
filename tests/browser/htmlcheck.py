"""Quality checks on the HTML the server sends (not the browser's DOM, which hides parse errors).

Raw pages are fetched with urllib and the browser's cookies, parsed by html5lib in strict mode
(any parse error is a failure) and checked for a title, `lang`, alt text, labels, CSRF fields
and the Content-Type header.
"""

from __future__ import annotations

import dataclasses
import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request

import html5lib
from html5lib.constants import E as HTML5LIB_MESSAGES

EXPECTED_CONTENT_TYPE = "text/html; charset=utf-8"
# Inputs a user never types into; they need no label.
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "image", "reset"}


@dataclasses.dataclass
class Response:
    url: str
    status: int
    headers: dict[str, str]  # lower-cased names; repeated headers joined with ", "
    set_cookies: list[str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: D102 - a 3xx is returned as is
        return None


def fetch(
    url: str,
    cookies: dict[str, str] | None = None,
    *,
    data: dict[str, str] | None = None,
    follow_redirects: bool = False,
    jar: http.cookiejar.CookieJar | None = None,
) -> Response:
    """GET (or POST form-encoded `data`) `url`; 4xx/5xx are answers, not exceptions."""
    handlers: list[urllib.request.BaseHandler] = []
    if not follow_redirects:
        handlers.append(_NoRedirect())
    if jar is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(jar))
    opener = urllib.request.build_opener(*handlers)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method="POST" if data is not None else "GET")
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    try:
        answer = opener.open(request, timeout=15)
    except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx and 5xx
        answer = error
    with answer:
        headers: dict[str, str] = {}
        for name, value in answer.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        return Response(
            url=answer.geturl() or url,
            status=answer.status if hasattr(answer, "status") else answer.code,
            headers=headers,
            set_cookies=answer.headers.get_all("Set-Cookie") or [],
            body=answer.read(),
        )


def fetch_json(url: str, payload: dict, *, token: str | None = None) -> Response:
    """POST a JSON body to the public API (setting up accounts and carts beside the browser)."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        answer = urllib.request.urlopen(request, timeout=15)
    except urllib.error.HTTPError as error:
        answer = error
    with answer:
        return Response(url=url, status=answer.status if hasattr(answer, "status") else answer.code,
                        headers={k.lower(): v for k, v in answer.headers.items()},
                        set_cookies=[], body=answer.read())


def parse_strict(text: str):
    """The html5lib tree of `text`; raises ValueError naming the first parse error and its line."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        return parser.parse(text)
    except html5lib.html5parser.ParseError as error:
        detail = str(error)
        if parser.errors:
            (line, col), code, datavars = parser.errors[0]
            message = HTML5LIB_MESSAGES.get(code, code)
            try:
                message = message % datavars
            except (TypeError, KeyError, ValueError):
                pass
            source = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
            detail = f"line {line} col {col}: {message} [{code}] near {source.strip()[:160]!r}"
        raise ValueError(f"html5lib strict parse error: {detail}") from None


def _text(element) -> str:
    return "".join(element.itertext()).strip()


def problems(response: Response) -> list[str]:
    """Everything wrong with one HTML answer; empty when it is clean."""
    found: list[str] = []
    content_type = response.headers.get("content-type", "")
    if content_type.replace(" ", "").lower() != EXPECTED_CONTENT_TYPE.replace(" ", ""):
        found.append(f"Content-Type is {content_type!r}, expected {EXPECTED_CONTENT_TYPE!r}")
    try:
        text = response.body.decode("utf-8")
    except UnicodeDecodeError as error:
        return found + [f"body is not UTF-8: {error}"]
    try:
        root = parse_strict(text)
    except ValueError as error:
        return found + [str(error)]

    if not root.get("lang", "").strip():
        found.append("<html> has no lang attribute")
    titles = root.findall(".//head/title")
    if len(titles) != 1 or not _text(titles[0]):
        found.append(f"expected one non-empty <title> in <head>, found {[_text(t) for t in titles]}")

    ids: dict[str, int] = {}
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("id"):
            ids[element.get("id")] = ids.get(element.get("id"), 0) + 1
    duplicates = sorted(i for i, n in ids.items() if n > 1)
    if duplicates:
        found.append(f"duplicate id(s): {duplicates}")

    for img in root.iter("img"):
        if img.get("alt") is None:
            found.append(f"<img src={img.get('src')!r}> has no alt attribute")

    labelled_ids = {label.get("for") for label in root.iter("label") if label.get("for")}
    for target in sorted(labelled_ids - set(ids)):
        found.append(f"<label for={target!r}> points at no element")
    wrapped = {id(child) for label in root.iter("label") for child in label.iter()}
    for element in root.iter():
        if element.tag not in ("input", "select", "textarea"):
            continue
        if element.tag == "input" and element.get("type", "text").lower() in UNLABELLED_INPUT_TYPES:
            continue
        has_label = (
            (element.get("id") and element.get("id") in labelled_ids)
            or (element.get("aria-label") or "").strip()
            or (element.get("aria-labelledby") or "").strip()
            or id(element) in wrapped
        )
        if not has_label:
            found.append(
                f"<{element.tag} name={element.get('name')!r} id={element.get('id')!r}> has no label "
                "(no <label for>, aria-label or aria-labelledby)"
            )

    for form in root.iter("form"):
        if form.get("method", "get").lower() != "post":
            continue
        tokens = [
            i for i in form.iter("input")
            if i.get("type", "").lower() == "hidden" and i.get("name") == "csrf" and i.get("value")
        ]
        if not tokens:
            found.append(f"POST form action={form.get('action')!r} has no hidden csrf input with a value")
    return found


def form_fields(text: str, form_selector_id: str | None = None, action: str | None = None) -> dict[str, str]:
    """The default values of one form's fields (hidden ones included): pick it by id or action."""
    root = parse_strict(text)
    for form in root.iter("form"):
        if (form_selector_id and form.get("id") == form_selector_id) or (action and form.get("action") == action):
            values: dict[str, str] = {}
            for element in form.iter():
                name = element.get("name")
                if not name:
                    continue
                if element.tag == "input":
                    kind = element.get("type", "text").lower()
                    if kind in ("radio", "checkbox") and element.get("checked") is None:
                        continue
                    if kind in ("submit", "button", "image", "reset"):
                        continue
                    values[name] = element.get("value", "")
                elif element.tag == "select":
                    options = list(element.iter("option"))
                    chosen = [o for o in options if o.get("selected") is not None] or options[:1]
                    if chosen:
                        values[name] = chosen[0].get("value", _text(chosen[0]))
                elif element.tag == "textarea":
                    values[name] = _text(element)
            return values
    raise AssertionError(f"no form id={form_selector_id!r} action={action!r} in the page")
