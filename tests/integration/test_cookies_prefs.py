"""S-C6 preferences: POST /prefs sets theme, lang and sort cookies (no
login needed), the server applies them on the next request, unknown or
tampered values fall back to the default and are never echoed, and the
form is guarded (same origin, plus the CSRF token when there is a
session). Also the header switch in the layout."""
import re

import pytest

from sitectl import (HTML_TYPE, Client, csrf_from, error_callout,
                     html_lang, set_cookie_headers)


def same_origin(site, referer_path=None):
    h = {"Origin": site.origin}
    if referer_path:
        h["Referer"] = site.url(referer_path)
    return h


@pytest.mark.parametrize("field,value", [
    ("theme", "dark"), ("theme", "light"), ("lang", "en"), ("lang", "ko"),
    ("sort", "name"), ("sort", "price-asc"), ("sort", "price-desc")])
def test_s_c6_exact_set_cookie(site, field, value):
    """S-C6: each preference is one Set-Cookie with a year's Max-Age,
    Path=/, SameSite=Lax, readable by script (no HttpOnly); 303 back to
    /prefs when there is no Referer."""
    c = Client(site)
    r = c.post("/prefs", data={field: value}, headers=same_origin(site))
    assert r.status_code == 303, r.text[:300]
    assert r.headers["Location"] == "/prefs"
    assert set_cookie_headers(r) == [
        f"{field}={value}; Max-Age=31536000; Path=/; SameSite=Lax"]


def test_s_c6_all_three_and_back_to_referer(site):
    """S-C6: three fields at once give three cookies, and the visitor goes
    back to the page whose switch they pressed (a same-origin Referer)."""
    c = Client(site)
    r = c.post("/prefs", data={"theme": "dark", "lang": "en",
                               "sort": "price-desc"},
               headers=same_origin(site, "/cookies/hello?x=1"))
    assert r.status_code == 303
    assert r.headers["Location"] == "/cookies/hello?x=1"
    assert set_cookie_headers(r) == [
        "theme=dark; Max-Age=31536000; Path=/; SameSite=Lax",
        "lang=en; Max-Age=31536000; Path=/; SameSite=Lax",
        "sort=price-desc; Max-Age=31536000; Path=/; SameSite=Lax"]
    page = c.get("/prefs")
    assert 'data-theme="dark"' in page.text
    assert html_lang(page.text) == "en"
    assert '<code id="cur-sort">price-desc</code>' in page.text


def test_s_c6_referer_of_another_site_is_not_followed(site):
    """S-C6: a Referer that is not this origin is never a redirect target."""
    c = Client(site)
    r = c.post("/prefs", data={"theme": "dark"},
               headers={"Origin": site.origin,
                        "Referer": "http://evil.example/x"})
    assert r.status_code == 303
    assert r.headers["Location"] == "/prefs"


def test_s_c6_applied_server_side_without_flash(site):
    """S-C6: the theme is in the HTML the server sends (data-theme), for
    every program's pages, so no script has to fix it after load."""
    c = Client(site)
    c.post("/prefs", data={"theme": "dark"}, headers=same_origin(site))
    for path in ("/", "/session/login", "/lab/"):
        assert 'data-theme="dark"' in c.get(path).text, path


@pytest.mark.parametrize("cookie", [
    'theme=<script>alert(1)</script>', "theme=neon", "sort=%3Cb%3E",
    "sort=pricey99", "lang=qq9z"])
def test_s_c6_tampered_value_falls_back_and_is_not_echoed(site, cookie):
    """S-C6: an unknown or tampered preference reads as the default, the
    page says so, and the value is never echoed into the page."""
    r = Client(site).get("/prefs", headers={"Cookie": cookie})
    assert r.status_code == 200
    main = r.text.split('<section class="wire"')[0]
    value = cookie.split("=", 1)[1]
    assert value not in main
    assert "<script>alert" not in r.text
    assert '<code id="cur-theme">light</code>' in r.text
    assert '<code id="cur-sort">name</code>' in r.text
    assert "not on its allowlist" in r.text


@pytest.mark.parametrize("form", [
    {"theme": "neon"}, {"lang": "fr"}, {"sort": "price"},
    {"theme": "dark", "sort": "bogus"}, {"theme": ""}, {},
    {"theme": "DARK"}, {"theme": "dark\u0000"}])
def test_s_c6_bad_values_are_400_and_nothing_is_set(site, form):
    """S-C6: a value off the allowlist (or no field) is a 400, and no
    cookie at all is sent (all or nothing)."""
    before = site.dump()
    r = Client(site).post("/prefs", data=form, headers=same_origin(site))
    assert r.status_code == 400
    assert r.headers["Content-Type"] == HTML_TYPE
    assert set_cookie_headers(r) == []
    assert site.dump() == before


def test_s_c6_cross_origin_post_is_403(site):
    """S-C6 CSRF: another origin (or none) cannot set preferences."""
    for headers in ({"Origin": "http://evil.example"},
                    {"Origin": "null"}, {},
                    {"Referer": "http://evil.example/"},
                    {"Origin": site.origin.replace("127.0.0.1",
                                                   "localhost")}):
        r = Client(site).post("/prefs", data={"theme": "dark"},
                              headers=headers)
        assert r.status_code == 403, headers
        assert set_cookie_headers(r) == []
        assert "Origin or Referer" in error_callout(r.text)


def test_s_c6_referer_alone_is_accepted(site):
    """S-C6: a browser that sends no Origin but a same-origin Referer."""
    r = Client(site).post("/prefs", data={"lang": "en"},
                          headers={"Referer": site.url("/prefs")})
    assert r.status_code == 303


def test_s_c6_session_visitor_needs_the_token(site):
    """S-C6 CSRF: a visitor with a session must also send its token; the
    layout's switch form carries it."""
    c = Client(site)
    c.login_form()
    page = c.get("/prefs").text
    token = csrf_from(page)
    assert f'<input name="csrf" type="hidden" value="{token}">' in page
    r = c.post("/prefs", data={"theme": "dark"}, headers=same_origin(site))
    assert r.status_code == 403
    assert "CSRF token" in error_callout(r.text)
    r = c.post("/prefs", data={"theme": "dark", "csrf": "A" * 43},
               headers=same_origin(site))
    assert r.status_code == 403
    r = c.post("/prefs", data={"theme": "dark", "csrf": token},
               headers=same_origin(site))
    assert r.status_code == 303
    assert set_cookie_headers(r) == [
        "theme=dark; Max-Age=31536000; Path=/; SameSite=Lax"]


def test_s_c6_header_switch_in_layout(site):
    """S-C6: every page has the language and theme switch posting to
    /prefs; without a session it carries no token field."""
    r = Client(site).get("/")
    form = re.search(r'<form class="switches" method="post" '
                     r'action="/prefs"[^>]*>(.*?)</form>', r.text, re.S)
    assert form
    body = form.group(1)
    for v in ('name="lang" value="ko"', 'name="lang" value="en"',
              'name="theme" value="light"', 'name="theme" value="dark"'):
        assert v in body
    assert 'name="csrf"' not in body


def test_s_c6_sort_default_and_cart_agreement(site):
    """S-C6: the sort preference takes exactly name, price-asc or
    price-desc (the cart reads it); the default is name."""
    assert '<code id="cur-sort">name</code>' in Client(site).get(
        "/prefs").text
