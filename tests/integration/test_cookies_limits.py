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


SITE_COOKIES = ["sid", "__Host-sid", "theme", "lang", "sort", "hideNotice",
                "visitId", "hello", "keep_session", "keep_persistent",
                "ss_strict", "ss_lax", "ss_none", "ss_default", "user",
                "role", "signed_login", "refresh_token", "lab_token",
                "cmp_login", "cmp_cart", "scale_sid", "scale_node"]


def states(html):
    """name -> state of every site cookie in the limits page's table."""
    return dict(re.findall(r'<span class="site-state" data-name="([^"]+)" '
                           r'data-state="(\w+)"', html))


def test_s_c4_warns_by_name_before_the_batches(site):
    """S-C4: before the 200-cookie buttons the page warns which of the
    site's own cookies (those this request carried) the browser may
    evict, and lists every site cookie with how to get it back."""
    r = Client(site).get("/lab/limits/", headers={
        "Cookie": "lang=ko; theme=dark; c001=1; visitId=x"}, cookies=False)
    assert r.status_code == 200
    warn = r.text.index('id="limits-warn"')
    assert warn < r.text.index('id="many-1"')
    m = re.search(r'<td id="limits-at-risk" data-none="[^"]*">(.*?)</td>',
                  r.text)
    assert m.group(1) == ("<code>theme</code>, <code>lang</code>, "
                          "<code>visitId</code>")
    assert 'id="limits-warn-sid"' not in r.text
    st = states(r.text)
    assert list(st) == SITE_COOKIES
    assert st["theme"] == st["lang"] == st["visitId"] == "here"
    assert st["sid"] == st["sort"] == "absent"
    assert st["hello"] == st["keep_persistent"] == "unseen"
    for href in ("/session/login", "/prefs", "/cookies/hello",
                 "/cookies/lifetime", "/cookies/samesite", "/jwt"):
        assert f'<a href="{href}">{href}</a></td></tr>' in r.text


def test_s_c4_logged_in_student_is_warned_about_sid(site):
    """S-C4: for a logged-in student the warning says sid can go too."""
    c = Client(site)
    assert c.login("alice", "alice-password").status_code == 303
    r = c.get("/lab/limits/")
    assert 'id="limits-warn-sid"' in r.text
    assert "If the <code>sid</code> cookie goes, you are logged out" in r.text
    assert "<code>sid</code>" in re.search(
        r'<td id="limits-at-risk"[^>]*>(.*?)</td>', r.text).group(1)


def test_s_c4_batch_offers_the_check_and_the_check_names_drops(site):
    """S-C4: after a batch the page offers to ask again with the site
    cookies the server saw; asked again, it names the ones the browser
    dropped meanwhile (HttpOnly visitId included) and how to get each
    back, and says so when none went."""
    c = Client(site)
    r = post(site, c, "/lab/limits/many", {"first": "151"},
             headers={"Origin": site.origin,
                      "Cookie": "lang=ko; theme=dark; visitId=v"},
             cookies=False)
    assert r.status_code == 200
    m = re.search(r'<form class="card wide" method="get" '
                  r'action="/lab/limits/" id="limits-check">\s*<input '
                  r'type="hidden" name="had" value="([^"]*)">', r.text)
    assert m and m.group(1) == "theme,lang,visitId"
    # The browser evicted lang and visitId in between.
    r = Client(site).get("/lab/limits/?had=theme,lang,visitId",
                         headers={"Cookie": "theme=dark; c151=1"},
                         cookies=False)
    assert r.status_code == 200
    box = re.search(r'id="limits-dropped">(.*?)</div>', r.text, re.S)
    assert box, r.text[:300]
    items = re.findall(r"<li>(.*?)</li>", box.group(1))
    assert items[0].startswith("<code>lang</code> — Theme, language")
    assert items[0].endswith('<a href="/prefs">/prefs</a>')
    assert items[1].startswith("<code>visitId</code> — The server counts")
    assert len(items) == 2
    st = states(r.text)
    assert st["lang"] == st["visitId"] == "gone" and st["theme"] == "here"
    assert 'id="limits-kept"' not in r.text
    r = Client(site).get("/lab/limits/?had=theme",
                         headers={"Cookie": "theme=dark"}, cookies=False)
    assert 'id="limits-kept"' in r.text and 'id="limits-dropped"' not in \
        r.text


def test_s_c4_no_check_offered_without_a_batch_or_site_cookies(site):
    r = Client(site).get("/lab/limits/", headers={"Cookie": "lang=ko"},
                         cookies=False)
    assert 'id="limits-check"' not in r.text
    r = post(site, Client(site), "/lab/limits/many", {"first": "1"},
             headers={"Origin": site.origin, "Cookie": "c001=1"},
             cookies=False)
    assert r.status_code == 200 and 'id="limits-check"' not in r.text


@pytest.mark.parametrize("had", ["bogus", "lang,lang", "lang,", ",", "c001",
                                 "lang;theme", "x" * 600])
def test_s_c4_bad_had_is_400(site, had):
    r = Client(site).get("/lab/limits/", params={"had": had})
    assert r.status_code == 400
    assert set_cookie_headers(r) == []


def test_s_c4_echo_on_the_lesson_paths(site):
    """S-C4: the script's inventory asks /cookies/hello/echo and
    /cookies/tamper/echo, whose Paths carry hello and the tampering
    cookies."""
    c = Client(site)
    r = c.get("/cookies/hello/echo", headers={"Cookie": "hello=Kim; sid=x"},
              cookies=False)
    assert r.status_code == 200
    assert [p["name"] for p in r.json()["pairs"]] == ["hello", "sid"]
    r = c.get("/cookies/tamper/echo", headers={"Cookie": "role=admin"},
              cookies=False)
    assert [p["name"] for p in r.json()["pairs"]] == ["role"]


def test_s_c4_limits_page_in_korean_words(site):
    """S-C4: labels and buttons come from the string table (no "big: 4096
    B", no "fill1–fill5: 5 × 4000 B"), with Korean punctuation."""
    r = Client(site, accept_language="ko").get("/lab/limits/")
    main = r.text.split('<section class="wire"')[0]
    assert ">4096바이트 big 쿠키 받기</button>" in main
    assert ">4000바이트 쿠키 다섯 개 받기</button>" in main
    assert "big: 4096 B" not in main and "5 × 4000 B" not in main
    assert "<th>작은 쿠키 c001…c200</th>" in main
