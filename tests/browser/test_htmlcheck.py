"""The HTML checker itself catches what it claims to (no browser, no server)."""

from __future__ import annotations

import pytest

import htmlcheck

GOOD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Cart — Emporium</title></head>
<body><main id="main">
<img src="/a.svg" alt="A">
<form action="/cart/items/X" method="post"><input type="hidden" name="csrf" value="t">
<label for="qty-X">Quantity</label><input id="qty-X" name="quantity" type="number"><button>Update</button></form>
<form action="/search" role="search"><input name="q" aria-label="Search"></form>
<label>Note <textarea name="note"></textarea></label>
</main></body></html>"""


def answer(body: str, content_type: str = "text/html; charset=utf-8") -> htmlcheck.Response:
    return htmlcheck.Response(url="http://x/", status=200, headers={"content-type": content_type},
                              set_cookies=[], body=body.encode())


def test_a_clean_page_has_no_problems():
    assert htmlcheck.problems(answer(GOOD)) == []


@pytest.mark.parametrize("change, expected", [
    (('lang="en"', ""), "no lang"),
    (("<title>Cart — Emporium</title>", "<title> </title>"), "non-empty <title>"),
    (('alt="A"', ""), "has no alt"),
    (('<label for="qty-X">Quantity</label>', ""), "qty-X'> has no label"),
    (('aria-label="Search"', ""), "name='q'"),
    (('<input type="hidden" name="csrf" value="t">', ""), "no hidden csrf"),
    (("<main id=\"main\">", "<main id=\"main\"><p id=\"main\">x</p>"), "duplicate id"),
    (("</form>\n<form", "</div></form>\n<form"), "strict parse error"),
    (("<!DOCTYPE html>\n", ""), "strict parse error"),
    (("<img", "<img <"), "strict parse error"),
])
def test_each_problem_is_caught(change, expected):
    old, new = change
    assert old in GOOD
    found = htmlcheck.problems(answer(GOOD.replace(old, new, 1)))
    assert any(expected in p for p in found), found


def test_the_content_type_must_name_utf8():
    assert any("Content-Type" in p for p in htmlcheck.problems(answer(GOOD, "text/html")))
    assert htmlcheck.problems(answer(GOOD, "text/html;charset=UTF-8")) == []


def test_parse_errors_name_line_and_source():
    with pytest.raises(ValueError, match=r"line 3 .*near '<p>x</div>'"):
        htmlcheck.parse_strict("<!DOCTYPE html>\n<html lang=en><title>t</title>\n<p>x</div>")


def test_form_fields_reads_defaults():
    fields = htmlcheck.form_fields(GOOD, action="/cart/items/X")
    assert fields == {"csrf": "t", "quantity": ""}
