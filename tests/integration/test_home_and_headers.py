"""The home page, security headers on every page, no inline script or
style, no dead links, static files, and the language/theme preferences.
Scenarios: S-S1 and S-S2 (the pages that teach them must be safe pages:
DESIGN.md "Every page escapes output and sends a CSP without inline
script, X-Content-Type-Options, Referrer-Policy and frame-ancestors")."""
from urllib.parse import urlsplit

import pytest

from sitectl import (CSRF_RE, HTML_TYPE, JSON_TYPE, Client, PageScan,
                     html_lang)

SAFE_REFERRER = {"no-referrer", "same-origin", "strict-origin",
                 "strict-origin-when-cross-origin", "origin"}


@pytest.fixture(scope="module")
def pages(site):
    """One response of each kind of HTML page the site serves."""
    out = {}
    anon = Client(site)
    out["home"] = anon.get("/")
    out["login-form"] = anon.get("/session/login")
    out["me-401"] = Client(site).get("/session/me")
    out["404"] = anon.get("/nope")
    out["404-session"] = anon.get("/session/nope")
    out["405"] = anon.request("PUT", "/session/login", data="")
    out["400"] = anon.get("/session/login?bogus=1")
    out["403-csrf"] = anon.post("/session/login", data={
        "username": "alice", "password": "x", "csrf": "A" * 43})
    out["401-login-failed"] = anon.login("bob", "wrong-password")
    user = Client(site)
    assert user.login("bob", "bob-password").status_code == 303
    out["me"] = user.get("/session/me")
    token = CSRF_RE.search(out["me"].text).group(1)
    out["logout"] = user.post("/session/logout", data={"csrf": token})
    for c in (anon, user):
        c.close()
    return out


PAGE_STATUS = {"home": 200, "login-form": 200, "me-401": 401, "404": 404,
               "404-session": 404, "405": 405, "400": 400, "403-csrf": 403,
               "401-login-failed": 401, "me": 200, "logout": 200}


@pytest.mark.parametrize("name", sorted(PAGE_STATUS))
def test_s_s1_security_headers_on_every_page(pages, name):
    """S-S1/S-S2: every HTML page carries a CSP with script-src 'self' and
    frame-ancestors 'none' and no 'unsafe-inline', nosniff, a
    Referrer-Policy and Cache-Control: no-store."""
    r = pages[name]
    assert r.status_code == PAGE_STATUS[name]
    assert r.headers["Content-Type"] == HTML_TYPE
    csp = r.headers.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ", 1)[0]: d.strip()
                  for d in csp.split(";") if d.strip()}
    assert "script-src 'self'" in csp
    assert directives.get("script-src") == "script-src 'self'"
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "object-src 'none'" in csp
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert r.headers.get("Referrer-Policy") in SAFE_REFERRER
    assert r.headers.get("Cache-Control") == "no-store"
    assert len(r.raw.headers.getlist("Content-Security-Policy")) == 1


@pytest.mark.parametrize("name", sorted(PAGE_STATUS))
def test_s_s1_no_inline_script_or_style(pages, name):
    """S-S1: no inline <script> body, no on*= event attributes, no style=
    attributes, no <style> element, no javascript: URLs: the CSP can stay
    strict."""
    scan = PageScan(pages[name].text)
    assert scan.scripts, "the page should load wire.js"
    for attrs, text in scan.scripts:
        assert attrs.get("src"), f"inline script: {text[:80]!r}"
        assert text.strip() == ""
    for tag, d, attrs in scan.tags:
        for k, v in attrs:
            assert not k.lower().startswith("on"), (tag, k, v)
            assert k.lower() != "style", (tag, k, v)
            if k.lower() in ("href", "src", "action"):
                assert not (v or "").strip().lower().startswith(
                    "javascript:"), (tag, k, v)
        assert tag != "style"


def test_s_s2_json_headers(site):
    """S-S2: /session/state is JSON with nosniff and no-store as well."""
    r = Client(site).get("/session/state")
    assert r.headers["Content-Type"] == JSON_TYPE
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert r.headers.get("Cache-Control") == "no-store"


def test_s_s1_home_page_links_to_login(pages):
    """GET / answers 200 and leads to the session lesson (S-S1...S-S9)."""
    r = pages["home"]
    scan = PageScan(r.text)
    assert "/session/login" in scan.hrefs()
    assert "S-S1 · S-S2 · S-S3 · S-S4 · S-S8 · S-S9" in r.text
    # The home page creates no session: only a visit, no Set-Cookie.
    assert r.raw.headers.getlist("Set-Cookie") == []


@pytest.mark.parametrize("page", ["home", "login-form", "me"])
def test_s_s1_no_dead_links(site, pages, page):
    """Every local href and src on /, /session/login and /session/me
    resolves (no 404, no 5xx)."""
    scan = PageScan(pages[page].text)
    targets = set(scan.hrefs()) | set(scan.srcs())
    local = {t for t in targets if not urlsplit(t).scheme
             and not urlsplit(t).netloc and t.startswith("/")}
    assert local, "no local links found"
    c = Client(site)
    for t in sorted(local):
        r = c.get(t, cookies=False)
        assert r.status_code != 404 and r.status_code < 500, (t,
                                                              r.status_code)


@pytest.mark.parametrize("path,ctype", [
    ("/static/css/site.css", "text/css; charset=utf-8"),
    ("/static/js/wire.js", "text/javascript; charset=utf-8"),
])
def test_static_files(site, path, ctype):
    """Static files are served by lighttpd with the right type and
    nosniff."""
    c = Client(site)
    r = c.get(path)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == ctype
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert len(r.content) > 0
    assert r.raw.headers.getlist("Set-Cookie") == []
    h = c.request("HEAD", path)
    assert h.status_code == 200 and h.content == b""


def test_static_missing_is_404(site):
    assert Client(site).get("/static/js/nope.js").status_code == 404


def test_s_s1_head_login_form(site):
    """HEAD /session/login: the GET's status and headers, no body."""
    r = Client(site).request("HEAD", "/session/login")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == HTML_TYPE
    assert r.content == b""
    assert int(r.headers["Content-Length"]) > 0


# ---- language and theme preferences ---------------------------------------------------------
@pytest.mark.parametrize("cookie,accept,lang", [
    (None, "en", "en"),
    (None, "ko", "ko"),
    (None, "en-US,en;q=0.9", "en"),
    (None, "ko-KR,ko;q=0.9,en;q=0.8", "ko"),
    (None, "fr, en;q=0.5", "en"),
    (None, "en;q=0.2, ko;q=0.8", "ko"),
    (None, None, "ko"),
    ("lang=en", "ko", "en"),
    ("lang=ko", "en", "ko"),
    ("lang=xx", "en", "en"),
    ("lang=xx", "ko", "ko"),
])
def test_language_choice(site, cookie, accept, lang):
    """<html lang> follows the lang cookie (en/ko only), then
    Accept-Language, then Korean."""
    c = Client(site, accept_language=accept)
    headers = {"Cookie": cookie} if cookie else {}
    for path in ("/", "/session/login"):
        r = c.get(path, headers=headers)
        assert r.status_code == 200
        assert html_lang(r.text) == lang, (path, cookie, accept)
    title = "Session login" if lang == "en" else "세션 로그인"
    assert f"<title>{title} ·" in r.text


@pytest.mark.parametrize("cookie,theme", [
    ("theme=dark", "dark"), ("theme=light", "light"), (None, "light"),
    ("theme=neon", "light"), ('theme="dark"', "light"),
])
def test_theme_cookie(site, cookie, theme):
    """The theme preference cookie is allowlisted (dark or light)."""
    r = Client(site).get("/", headers={"Cookie": cookie} if cookie else {})
    assert f'data-theme="{theme}"' in r.text


def test_issue15_glossary_is_linked_from_every_page(site):
    """Issue 15 §12: the glossary of docs/ is served and every page's
    footer links it."""
    import requests

    from sitectl import HTTP_TIMEOUT
    page = requests.get(site.url("/cookies/hello"), timeout=HTTP_TIMEOUT)
    assert '<a href="/glossary.md">' in page.text
    r = requests.get(site.url("/glossary.md"), timeout=HTTP_TIMEOUT)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "| 리프레시 토큰 패밀리 | refresh-token family |" in r.text
    assert requests.get(site.url("/docs/glossary.md"),
                        timeout=HTTP_TIMEOUT).status_code == 404
