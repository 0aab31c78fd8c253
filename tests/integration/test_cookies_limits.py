"""S-C4 limits: a 4096-byte cookie is the most a browser keeps (the
builder refuses 5000), 200 small cookies come in batches, cookies past the
programs' 8 KiB Cookie limit get the site's 431 page and past lighttpd's
16 KiB lighttpd's static 431 page with a one-click clear, and the site
outside the lab's Path stays usable throughout."""
import re

import pytest

import sitectl
from sitectl import Client, build_request, raw_request, set_cookie_headers

SAME = "same"


def post(site, c, path, data=None, headers=SAME, **kw):
    h = {"Origin": site.origin} if headers == SAME else headers
    return c.post(path, data=data or {}, headers=h, **kw)


def test_s_c4_big_4096_is_sent_exactly(site):
    """S-C4: name + value = 4096 bytes, Path=/lab/limits/."""
    r = post(site, Client(site), "/lab/limits/big", {"size": "4096"})
    assert r.status_code == 200
    assert set_cookie_headers(r) == [
        "big=" + "x" * 4093 + "; Path=/lab/limits/; SameSite=Lax"]


def test_s_c4_big_5000_is_refused_and_explained(site):
    """S-C4: 5000 bytes: the builder refuses it as browsers would drop it;
    400, no Set-Cookie, the reason shown."""
    r = post(site, Client(site), "/lab/limits/big", {"size": "5000"})
    assert r.status_code == 400
    assert set_cookie_headers(r) == []
    assert 'id="limits-refused"' in r.text
    assert "longer than 4096 bytes" in r.text


@pytest.mark.parametrize("first", ["1", "51", "101", "151"])
def test_s_c4_many_in_batches_of_50(site, first):
    """S-C4: each batch is 50 exact Set-Cookie lines c001=1..."""
    r = post(site, Client(site), "/lab/limits/many", {"first": first})
    assert r.status_code == 200
    n = int(first)
    assert set_cookie_headers(r) == [
        f"c{i:03d}=1; Path=/lab/limits/; SameSite=Lax"
        for i in range(n, n + 50)]


def test_s_c4_received_counts(site):
    """S-C4: the page counts what arrived at /lab/limits/."""
    cookie = "; ".join(f"c{i:03d}=1" for i in range(1, 181))
    r = Client(site).get("/lab/limits/", headers={"Cookie": cookie})
    assert r.status_code == 200
    assert '<td id="limits-small">180</td>' in r.text
    assert f'<td id="limits-bytes">{len(cookie)} B / 8192 B</td>' in r.text


def test_s_c4_fill_then_lighttpd_431_static_page(site):
    """S-C4: fill sends five 4000-byte cookies; sending them back passes
    lighttpd's 16 KiB header limit: 431 with the static page explaining it
    and offering the one-click clear (script and a no-script form that
    posts outside the lab's Path)."""
    c = Client(site)
    r = post(site, c, "/lab/limits/fill")
    assert r.status_code == 200
    lines = set_cookie_headers(r)
    assert lines == [f"fill{i}=" + "f" * 3995 +
                     "; Path=/lab/limits/; SameSite=Lax" for i in range(1, 6)]
    r = c.get("/lab/limits/")
    assert r.status_code == 431
    assert r.headers["Content-Type"] == "text/html"
    assert '<meta charset="utf-8">' in r.text
    assert "<strong>431 Request Header Fields Too Large</strong>" in r.text
    assert '<script src="/static/js/clear431.js" defer></script>' in r.text
    assert '<form method="post" action="/cookies/clear-lab"' in r.text
    assert "Content-Security-Policy" in r.text     # as a meta element
    assert "<script>" not in r.text                # nothing inline


def test_s_c4_between_8k_and_16k_is_the_programs_431(site):
    """S-C4: a Cookie header over the programs' 8192 bytes but under
    lighttpd's limit: the site's own 431 page naming the size."""
    cookie = "; ".join(f"fill{i}=" + "f" * 3995 for i in range(1, 4))
    assert 8192 < len(cookie) < 15000
    r = Client(site).get("/lab/limits/", headers={"Cookie": cookie})
    assert r.status_code == 431
    assert "<strong>431 Request Header Fields Too Large</strong>" in r.text
    assert f"<strong>{len(cookie)}</strong> B" in r.text


def test_s_c4_rest_of_site_usable_and_rescue_works(site):
    """S-C4: the lab's cookies are scoped, so with the lab broken by 431 the
    home page and the rescue page still work; the rescue expires the big
    cookies from outside their Path and the lab works again."""
    c = Client(site)
    post(site, c, "/lab/limits/fill")
    post(site, c, "/lab/limits/many", {"first": "1"})
    # A browser sends the lab's cookies only under /lab/limits/.
    lab_cookies = dict(c.cookies)
    c.cookies = {k: v for k, v in lab_cookies.items()
                 if not (k.startswith("fill") or re.match(r"c\d{3}$", k))}
    assert c.get("/").status_code == 200
    assert c.get("/cookies/clear-lab").status_code == 200
    r = post(site, c, "/cookies/clear-lab")
    assert r.status_code == 200
    lines = set_cookie_headers(r)
    assert len(lines) == 60
    assert lines[0] == "big=; Max-Age=0; Path=/lab/limits/; SameSite=Lax"
    assert lines[1:6] == [f"fill{i}=; Max-Age=0; Path=/lab/limits/; "
                          "SameSite=Lax" for i in range(1, 6)]
    assert lines[6] == "c001=; Max-Age=0; Path=/lab/limits/; SameSite=Lax"
    assert lines[-1] == "c054=; Max-Age=0; Path=/lab/limits/; SameSite=Lax"
    assert 'id="clear-done"' in r.text
    # What a browser keeps afterwards: big, the fills and c001..c054 are gone.
    left = {k: v for k, v in lab_cookies.items()
            if k not in {"big"} | {f"fill{i}" for i in range(1, 6)} |
            {f"c{i:03d}" for i in range(1, 55)}}
    r = c.get("/lab/limits/", headers={"Cookie": "; ".join(
        f"{k}={v}" for k, v in left.items())}, cookies=False)
    assert r.status_code == 200


def test_s_c4_clear_lab_needs_same_origin(site):
    """S-C4: the rescue takes no token (the static page has none) but
    still refuses another origin."""
    before = site.dump()
    for h in ({"Origin": "http://evil.example"}, {}):
        r = post(site, Client(site), "/cookies/clear-lab", headers=h)
        assert r.status_code == 403
        assert set_cookie_headers(r) == []
    assert site.dump() == before


@pytest.mark.parametrize("path,data,status", [
    ("/lab/limits/big", {"size": "3"}, 400),
    ("/lab/limits/big", {"size": "8193"}, 400),
    ("/lab/limits/big", {"size": "1e3"}, 400),
    ("/lab/limits/big", {"size": "-5"}, 400),
    ("/lab/limits/big", {}, 400),
    ("/lab/limits/many", {"first": "2"}, 400),
    ("/lab/limits/many", {"first": "201"}, 400),
    ("/lab/limits/many", {"first": "0x1"}, 400),
    ("/lab/limits/fill", {"n": "9"}, 400),
    ("/lab/limits/clear", {"x": "1"}, 400),
    ("/cookies/clear-lab", {"x": "1"}, 400),
])
def test_s_c4_hostile(site, path, data, status):
    """S-C4: every limits form refuses bad input: 4xx, nothing set."""
    before = site.dump()
    r = post(site, Client(site), path, data)
    assert r.status_code == status
    assert set_cookie_headers(r) == []
    assert site.dump() == before


def test_s_c4_static_431_for_any_path(site):
    """S-C4: lighttpd's 431 is the same static page on any path (it runs
    before routing), e.g. /session/state."""
    req = build_request(site, "GET", "/session/state",
                        {"Cookie": "a=" + "x" * 17000})
    status, hdrs, body = raw_request(site, req)
    assert status == 431
    assert b"/cookies/clear-lab" in body
