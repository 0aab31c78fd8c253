"""S-C9 origin, SameSite and CORS: the four SameSite cookies, the echo
page that the other site's form and link reach, the four CORS replies of
/cookies/echo, and the other site on OTHER_PORT (static, no programs)."""
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
    r = Client(site).get("/cookies/samesite")
    host = f"http://127.0.0.1:{site.port}"
    assert (f'href="http://127.0.0.1:{site.other_port}/other/?main={host}"'
            in r.text)
    assert (f'href="http://localhost:{site.other_port}/other/?main={host}"'
            in r.text)


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
