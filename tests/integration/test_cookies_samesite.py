"""S-C9 origin, SameSite and CORS: the four SameSite cookies, the echo
page that the other site's form and link reach, the four CORS replies of
/cookies/echo, and the other site on OTHER_PORT (static, no programs)."""
import re

import pytest
import requests

from sitectl import JSON_TYPE, Client, set_cookie_headers


def test_s_c9_four_samesite_cookies(site):
    r = Client(site).post("/cookies/samesite/set",
                          headers={"Origin": site.origin})
    assert r.status_code == 303
    assert set_cookie_headers(r) == [
        "ss_strict=1; Path=/cookies/; SameSite=Strict",
        "ss_lax=1; Path=/cookies/; SameSite=Lax",
        "ss_none=1; Path=/cookies/; Secure; SameSite=None",
        "ss_default=1; Path=/cookies/"]


@pytest.mark.parametrize("origin,relation", [
    (None, "No Origin header"),
    ("{main}", "same origin"),
    ("http://127.0.0.1:{other}", "the same site (only the port differs)"),
    ("http://localhost:{other}", "another site (a different host)"),
    ("null", "another site"), ("https://127.0.0.1:{other}", "another site"),
])
def test_s_c9_echo_page_names_the_relation(site, origin, relation):
    """S-C9: the echo page (a POST target without a token: it changes
    nothing) says how the sender relates to this site."""
    h = {"Cookie": "ss_lax=1; ss_strict=1"}
    if origin:
        h["Origin"] = origin.format(main=site.origin, other=site.other_port)
    before = site.dump()
    r = Client(site).post("/cookies/samesite/echo", data={"from": "x"},
                          headers=h)
    assert r.status_code == 200
    assert relation in r.text
    assert '<code id="echo-method">POST</code>' in r.text
    assert r.text.count('data-got="1"') == 2
    assert set_cookie_headers(r) == []
    assert site.dump() == before


ALLOWED = "http://localhost:{other}"


@pytest.mark.parametrize("mode,origin,acao,acac", [
    ("none", "http://localhost:{other}", None, None),
    ("star", "http://localhost:{other}", "*", None),
    ("origin", "http://evil.example", "http://evil.example", None),
    ("credentials", "http://localhost:{other}",
     "http://localhost:{other}", "true"),
    ("credentials", "http://127.0.0.1:{other}",
     "http://127.0.0.1:{other}", "true"),
    ("credentials", "http://evil.example", None, None),
    ("credentials", "null", None, None),
    ("origin", "http://a b", None, None),
])
def test_s_c9_cors_replies(site, mode, origin, acao, acac):
    """S-C9: exactly which Access-Control-* headers each mode sends; the
    credentials mode trusts only the allowlisted other site."""
    o = origin.format(other=site.other_port)
    r = Client(site).get(f"/cookies/echo?cors={mode}",
                         headers={"Origin": o, "Cookie": "ss_none=1"})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == JSON_TYPE
    want = acao.format(other=site.other_port) if acao else None
    assert r.headers.get("Access-Control-Allow-Origin") == want
    assert r.headers.get("Access-Control-Allow-Credentials") == acac
    if mode in ("origin", "credentials"):
        assert r.headers.get("Vary") == "Origin"
    j = r.json()
    assert j["cors"] == mode and j["origin"] == o
    assert [p["name"] for p in j["pairs"]] == ["ss_none"]


def test_s_c9_other_site_is_static_only(site):
    """S-C9: OTHER_PORT serves /other/ and /static/, nothing else, and runs
    no program (no cookies, no Set-Cookie)."""
    r = requests.get(site.other_url("/other/"), timeout=10)
    assert r.status_code == 200
    assert "The other site" in r.text
    assert '<script src="/static/js/other.js" defer></script>' in r.text
    assert "Set-Cookie" not in r.headers
    assert requests.get(site.other_url("/static/js/other.js"),
                        timeout=10).status_code == 200
    for path in ("/", "/session/state", "/cookies/echo", "/prefs"):
        assert requests.get(site.other_url(path),
                            timeout=10).status_code == 403, path
    assert Client(site).get("/other/").status_code == 404


def test_s_c9_lesson_page_links_both_other_origins(site):
    """S-C9: the links to the other site name the page's language
    (issue 14): the other origin cannot read this site's lang cookie from
    localhost, so the link tells its lang.js which to show."""
    c = Client(site)
    r = c.get("/cookies/samesite")
    host = f"http://127.0.0.1:{site.port}"
    assert (f'href="http://127.0.0.1:{site.other_port}/other/?main={host}'
            '&amp;lang=en"' in r.text)
    assert (f'href="http://localhost:{site.other_port}/other/?main={host}'
            '&amp;lang=en"' in r.text)
    c.cookies["lang"] = "both"
    r = c.get("/cookies/samesite")
    assert (f'href="http://localhost:{site.other_port}/other/?main={host}'
            '&amp;lang=both"' in r.text)


@pytest.mark.parametrize("data,headers,status", [
    ({}, {"Origin": f"http://localhost:1"}, 403), ({}, {}, 403),
    ({"x": "1"}, "same", 400)])
def test_s_c9_set_hostile(site, data, headers, status):
    before = site.dump()
    h = {"Origin": site.origin} if headers == "same" else headers
    r = Client(site).post("/cookies/samesite/set", data=data, headers=h)
    assert r.status_code == status
    assert set_cookie_headers(r) == []
    assert site.dump() == before


def reading(html):
    m = re.search(r'<div class="callout" id="echo-reading">(.*?)\n</div>',
                  html, re.S)
    assert m, html[:400]
    return re.sub(r"</?code>", "`", m.group(1))


def test_s_c9_link_from_the_other_site_is_a_top_level_get(site):
    """S-C9: the other site's link arrives as a GET without Origin; the
    page tells it from the Referer, and explains that a top-level
    cross-site GET carries Lax cookies (not "typed in")."""
    other = f"http://localhost:{site.other_port}"
    r = Client(site).get("/cookies/samesite/echo?from=other-site",
                         headers={"Referer": other + "/",
                                  "Cookie": "ss_lax=1; ss_none=1; "
                                            "ss_default=1; lang=en"},
                         cookies=False)
    assert r.status_code == 200
    assert '<code id="echo-method">GET</code>' in r.text
    assert '<code id="echo-origin"></code>(no Origin header)' in r.text
    assert f'<code id="echo-referer">{other}/</code>' in r.text
    rel = re.search(r'<td id="echo-relation">(.*?)</td>', r.text, re.S)
    assert "another site (a different host)" in rel.group(1)
    assert "judged by the Referer" in rel.group(1)
    text = reading(r.text)
    assert "A top-level GET that followed a link on another site" in text
    assert "A browser adds no `Origin` header to such a navigation" in text
    assert "`SameSite=Lax` cookies do travel" in text
    assert "typed in" not in r.text
    assert 'id="echo-lang-note"' not in r.text


def test_s_c9_cross_site_post_explains_the_language(site):
    """S-C9: a POST from the other site carries no Lax cookie, so not the
    lang cookie either: the page says it chose the language from
    Accept-Language, and why, in both languages."""
    other = f"http://localhost:{site.other_port}"
    r = Client(site, accept_language="en-US,en").post(
        "/cookies/samesite/echo", data={"from": "other-site"},
        headers={"Origin": other, "Cookie": "ss_none=1"}, cookies=False)
    assert r.status_code == 200
    assert '<html lang="en"' in r.text
    assert ('<td id="echo-lang-source">no <code>lang</code> cookie came, so '
            'from the <code>Accept-Language</code> header <code>en-US,en'
            '</code></td>') in r.text
    text = reading(r.text)
    assert "A top-level POST from another site" in text
    m = re.search(r'<div id="echo-lang-note">(.*?)</div>', text, re.S)
    assert m
    assert ('<p lang="en">This page may be in another language than usual. '
            'The `lang` cookie that remembers the language is '
            '`SameSite=Lax` too, so it did not come with this POST') \
        in m.group(1)
    # One language a page (issue 14): the Accept-Language one only.
    assert '이 페이지의 언어가 평소와 다를 수' not in r.text
    assert 'lang="ko"' not in m.group(1)


@pytest.mark.parametrize("headers,key_text,note", [
    ({"Origin": "http://127.0.0.1:{other}", "Cookie": "lang=ko; ss_lax=1"},
     "같은 사이트의 다른 출처(포트만 다름)에서 보낸 POST입니다.", False),
    ({"Origin": "{main}", "Cookie": "ss_lax=1"}, "A POST from a page of this "
     "site", False),
    ({"Cookie": "ss_lax=1"}, "A POST without an `Origin` header", False),
])
def test_s_c9_post_readings(site, headers, key_text, note):
    """S-C9: each kind of POST gets its own reading; only a cross-site
    POST gets the language note."""
    h = {k: v.format(other=site.other_port, main=site.origin)
         for k, v in headers.items()}
    r = Client(site).post("/cookies/samesite/echo", data={"from": "x"},
                          headers=h, cookies=False)
    assert key_text in reading(r.text)
    assert ('id="echo-lang-note"' in r.text) == note
    # The lang cookie travelled (same site): a Korean page, Korean only.
    if "lang=ko" in h["Cookie"]:
        assert "A POST from another origin" not in r.text


def test_s_c9_lax_post_exception_is_named(site):
    """S-C9: a fresh no-SameSite cookie on a cross-site POST (Chromium's
    two-minute Lax+POST exception) is explained."""
    r = Client(site).post(
        "/cookies/samesite/echo", data={"from": "x"},
        headers={"Origin": f"http://localhost:{site.other_port}",
                 "Cookie": "ss_none=1; ss_default=1"}, cookies=False)
    assert 'id="echo-lax-post-note"' in r.text
    assert 'id="echo-none-note"' not in r.text


@pytest.mark.parametrize("referer,relation,key_text", [
    (None, "No Origin header and no Referer", "typed in the address bar"),
    ("{main}/cookies/samesite", "same origin",
     "A GET that followed a link inside this site"),
    ("http://127.0.0.1:{other}/", "the same site (only the port differs)",
     "another origin of the same site"),
    ("garbage", "No Origin header and no Referer", "typed in"),
    ("http://localhost:1/x?y#z", "another site", "on another site"),
    ("http://" + "a" * 400 + "/", "No Origin header", "typed in"),
])
def test_s_c9_get_readings(site, referer, relation, key_text):
    """S-C9: a GET without Origin is read from its Referer, whatever that
    holds; nothing is echoed unescaped."""
    h = {"Cookie": "ss_strict=1"}
    if referer:
        referer = referer.format(main=site.origin, other=site.other_port)
        h["Referer"] = referer
    r = Client(site).get("/cookies/samesite/echo", headers=h, cookies=False)
    assert r.status_code == 200
    rel = re.search(r'<td id="echo-relation">(.*?)</td>', r.text, re.S)
    assert relation in rel.group(1)
    assert key_text in reading(r.text)
    # Only a Referer with an origin part that fits is used.
    assert ("judged by the Referer" in rel.group(1)) == (
        referer is not None and "://" in referer and len(referer) < 300)


def test_s_c9_no_samesite_cookie_is_said(site):
    r = Client(site).get("/cookies/samesite/echo", cookies=False)
    assert 'id="echo-none-note"' in r.text
