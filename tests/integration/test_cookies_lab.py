"""S-C1/S-C2 the cookie lab: the form builds any cookie and the page shows
the exact Set-Cookie; /cookies/echo returns what came back as JSON;
invalid combinations are explained and never sent; lab cookies are scoped
to the lab's paths."""
import re
import time
from email.utils import format_datetime
from datetime import datetime, timezone

import pytest

from sitectl import JSON_TYPE, Client, error_callout, set_cookie_headers

BASE = {"name": "demo", "value": "hello", "life": "session",
        "seconds": "", "path": "/lab/", "domain": "", "samesite": "",
        "prefix": ""}


def lab_set(site, c, **fields):
    form = dict(BASE)
    form.update(fields)
    form = {k: v for k, v in form.items() if v is not None}
    return c.post("/lab/set", data=form, headers={"Origin": site.origin})


@pytest.mark.parametrize("fields,line", [
    ({}, "demo=hello; Path=/lab/"),
    ({"life": "max-age", "seconds": "3600"},
     "demo=hello; Max-Age=3600; Path=/lab/"),
    ({"life": "max-age", "seconds": "0"}, "demo=hello; Max-Age=0; Path=/lab/"),
    ({"path": "/lab/path/", "httponly": "1", "samesite": "Strict"},
     "demo=hello; Path=/lab/path/; HttpOnly; SameSite=Strict"),
    ({"path": "/", "samesite": "Lax"}, "demo=hello; Path=/; SameSite=Lax"),
    ({"secure": "1", "samesite": "None"},
     "demo=hello; Path=/lab/; Secure; SameSite=None"),
    ({"domain": "127.0.0.1"}, "demo=hello; Domain=127.0.0.1; Path=/lab/"),
    ({"prefix": "__Secure-", "secure": "1"},
     "__Secure-demo=hello; Path=/lab/; Secure"),
    ({"prefix": "__Host-", "secure": "1", "path": "/"},
     "__Host-demo=hello; Path=/; Secure"),
    ({"value": ""}, "demo=; Path=/lab/"),
])
def test_s_c2_exact_set_cookie(site, fields, line):
    """S-C1/S-C2: every attribute the form names appears, in the builder's
    fixed order, and the page shows the same line."""
    r = lab_set(site, Client(site), **fields)
    assert r.status_code == 200, error_callout(r.text) if "callout error" \
        in r.text else r.text[:300]
    assert set_cookie_headers(r) == [line]
    esc = line.replace("&", "&amp;")
    assert f'<span class="hname">Set-Cookie:</span> {esc}</pre>' in r.text


def test_s_c2_expires_from_seconds(site):
    """S-C2: life=expires sends an IMF-fixdate Expires, now + seconds."""
    t0 = int(time.time())
    r = lab_set(site, Client(site), life="expires", seconds="86400")
    (line,) = set_cookie_headers(r)
    m = re.match(r"^demo=hello; Expires=(.+ GMT); Path=/lab/$", line)
    assert m
    want = {format_datetime(datetime.fromtimestamp(t, timezone.utc),
                            usegmt=True)
            for t in range(t0 + 86400, t0 + 86400 + 3)}
    assert m.group(1) in want


def test_s_c1_round_trip_and_echo(site):
    """S-C1: the browser sends the cookie back; /cookies/echo shows the raw
    header and the pairs; a new Set-Cookie updates it."""
    c = Client(site)
    lab_set(site, c, value="one")
    r = c.get("/cookies/echo")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == JSON_TYPE
    j = r.json()
    assert j["cookie_header"] == "demo=one"
    assert j["pairs"] == [{"name": "demo", "value": "one",
                           "duplicate": False}]
    assert j["count"] == 1 and j["bytes"] == len("demo=one")
    lab_set(site, c, value="two")
    assert c.get("/cookies/echo").json()["pairs"][0]["value"] == "two"


def test_s_c1_echo_shows_duplicates(site):
    """S-C1: two cookies of one name (different Paths) both arrive, the
    more specific first; echo flags the second."""
    r = Client(site).get("/cookies/echo", headers={
        "Cookie": "demo=deep; demo=shallow"})
    pairs = r.json()["pairs"]
    assert [p["duplicate"] for p in pairs] == [False, True]


@pytest.mark.parametrize("fields,reason", [
    ({"samesite": "None"}, "SameSite=None` requires `Secure"),
    ({"prefix": "__Secure-"}, "must be `Secure`"),
    ({"prefix": "__Host-", "secure": "1", "domain": "127.0.0.1",
      "path": "/"}, "must not have a `Domain`"),
    ({"prefix": "__Host-", "secure": "1"}, "must have `Path=/`"),
    ({"name": "sid"}, "The site itself uses this cookie name"),
    ({"name": "theme", "path": "/"}, "The site itself uses"),
    ({"name": "visitId"}, "The site itself uses"),
    ({"name": ""}, "The cookie name is empty"),
    ({"name": "a b"}, "cookie builder refused"),
    ({"name": "a;b"}, "cookie builder refused"),
    ({"value": "a b"}, "cookie builder refused"),
    ({"value": "x;Path=/"}, "cookie builder refused"),
    ({"domain": "exa mple"}, "cookie builder refused"),
    ({"path": "/session/"}, "Path must be"),
    ({"path": "/cart"}, "Path must be"),
    ({"value": "x" * 1025}, "at most 1024 bytes"),
    ({"life": "max-age", "seconds": "abc"}, "whole number"),
    ({"life": "max-age", "seconds": "99999999999"}, "whole number"),
    ({"life": "expires", "seconds": ""}, "whole number"),
])
def test_s_c2_invalid_combinations_are_explained_not_sent(site, fields,
                                                          reason):
    """S-C2: what a browser would reject (or what would break the site) is
    a 400 page that explains the rule, and no Set-Cookie is sent."""
    before = site.dump()
    r = lab_set(site, Client(site), **fields)
    assert r.status_code == 400
    assert set_cookie_headers(r) == []
    m = re.search(r'<div class="callout error" role="alert" '
                  r'id="lab-refused">(.*?)</div>', r.text, re.S)
    assert m, r.text[:500]
    assert reason.replace("`", "") in re.sub(r"</?code>", "", m.group(1))
    assert "This cookie was not sent." in m.group(1)
    assert site.dump() == before


@pytest.mark.parametrize("fields", [
    {"samesite": "lax"}, {"samesite": "Bogus"}, {"prefix": "__Evil-"},
    {"life": "forever"}, {"secure": "yes"}, {"httponly": "0"}])
def test_s_c2_malformed_form_is_400(site, fields):
    """S-C2: a choice the form does not offer: 400, nothing sent."""
    r = lab_set(site, Client(site), **fields)
    assert r.status_code == 400
    assert set_cookie_headers(r) == []


def test_s_c2_budget_keeps_the_site_usable(site):
    """S-C2: the builder refuses more once the cookies its page carries
    pass the lab budget (2048 B), so Path=/ lab cookies cannot break the
    rest of the site."""
    c = Client(site)
    c.cookies["lab1"] = "x" * 1000
    c.cookies["lab2"] = "y" * 1100
    r = lab_set(site, c, name="more", path="/")
    assert r.status_code == 400
    assert set_cookie_headers(r) == []
    assert "budget (2048 bytes)" in r.text


def test_s_c2_clear_expires_received_lab_cookies(site):
    """S-C2: "clear" expires each lab cookie it received at every lab
    Path, and never the site's own cookies."""
    c = Client(site)
    r = c.post("/lab/clear", headers={
        "Origin": site.origin, "Cookie": "demo=1; theme=dark; sid=x"},
        cookies=False)
    assert r.status_code == 200
    assert set_cookie_headers(r) == [
        "demo=; Max-Age=0; Path=/lab/", "demo=; Max-Age=0; Path=/lab/path/",
        "demo=; Max-Age=0; Path=/"]
    assert 'id="lab-cleared"' in r.text


def test_s_c2_sub_path_page(site):
    """S-C2: the sub-path page exists and explains Path scoping."""
    r = Client(site).get("/lab/path/")
    assert r.status_code == 200
    assert "/lab/path/" in r.text and 'id="doc-cookie"' in r.text


@pytest.mark.parametrize("path,data,headers,status", [
    ("/lab/set", dict(BASE), {"Origin": "http://evil.example"}, 403),
    ("/lab/set", dict(BASE), {}, 403),
    ("/lab/set", dict(BASE, bogus="1"), "same", 400),
    ("/lab/clear", {}, {"Origin": "null"}, 403),
    ("/lab/clear", {"name": "x"}, "same", 400),
])
def test_s_c2_hostile(site, path, data, headers, status):
    """S-C2: foreign or missing origin, unknown fields: 4xx, nothing set,
    nothing stored."""
    before = site.dump()
    h = {"Origin": site.origin} if headers == "same" else headers
    r = Client(site).post(path, data=data, headers=h)
    assert r.status_code == status
    assert set_cookie_headers(r) == []
    assert site.dump() == before


def test_s_c1_echo_rejects_unknown_cors_mode(site):
    """S-C1: /cookies/echo?cors= takes four modes; others are a JSON 400."""
    r = Client(site).get("/cookies/echo?cors=evil")
    assert r.status_code == 400
    assert r.headers["Content-Type"] == JSON_TYPE
    assert r.json()["error"] == "invalid_input"


@pytest.mark.parametrize("path", ["/lab/", "/lab/path/"])
def test_s_c1_server_view_lists_every_pair_escaped(site, path):
    """S-C1: "what the server received" lists each name and value the
    Cookie header carried, escaped, a repeated name marked, with the count
    and the header's size next to the lab's budget."""
    header = "demo=a<b>&'x; theme=dark; demo=second; empty="
    r = Client(site).get(path, headers={"Cookie": header}, cookies=False)
    assert r.status_code == 200
    m = re.search(r'<table class="pairs" id="lab-received">.*?<tbody>\n'
                  r'(.*?)    </tbody>', r.text, re.S)
    assert m, r.text[:500]
    assert m.group(1) == (
        '<tr data-name="demo"><td><code>demo</code></td><td><code '
        'class="val">a&lt;b&gt;&amp;&#39;x</code></td></tr>\n'
        '<tr data-name="theme"><td><code>theme</code></td><td><code '
        'class="val">dark</code></td></tr>\n'
        '<tr class="dup" data-name="demo"><td><code>demo</code></td><td>'
        '<code class="val">second</code> (a repeated name: the server uses '
        'the first)</td></tr>\n'
        '<tr data-name="empty"><td><code>empty</code></td><td><code '
        'class="val"></code> (empty)</td></tr>\n')
    assert '<td id="lab-received-count">4</td>' in r.text
    assert f'<td id="lab-header-bytes">{len(header)} B</td>' in r.text
    assert '<td id="lab-budget">2048 B</td>' in r.text
    assert "<b>" not in r.text.split('<section class="wire"')[0]


def test_s_c1_server_view_without_cookies(site):
    """S-C1: no Cookie header: the card says so instead of a table."""
    r = Client(site, accept_language="ko").get("/lab/", cookies=False)
    assert 'id="lab-received"' not in r.text
    assert ('<p id="lab-received-none">이 요청에는 <code>Cookie</code> '
            '헤더가 없었습니다.</p>') in r.text
    assert '<td id="lab-received-count">0</td>' in r.text


def test_s_c1_lab_page_says_sizes_in_words(site):
    """S-C1: no "budget 2048 B"-style shorthand: each size has a label
    from the string table, in the page's language."""
    for lang, label in (("ko", "실험실의 한도"), ("en", "The lab&#39;s budget")):
        page = Client(site, accept_language=lang).get("/lab/").text
        main = page.split('<section class="wire"')[0]
        assert "(budget" not in main and "budget 2048" not in main
        assert f"<th>{label}</th>" in main
    main = Client(site, accept_language="ko").get("/lab/").text
    for english in (">prefix<", ">name<", ">value<"):
        assert english not in main.split('<section class="wire"')[0]


@pytest.mark.parametrize("fields,ko", [
    ({"name": "a b"}, "쿠키 이름은 RFC 7230의 토큰이어야 합니다."),
    ({"value": "x;Path=/"}, "쿠키 값에는 cookie-octet만 쓸 수 있습니다."),
    ({"domain": "exa mple"}, "Domain에는 글자, 숫자"),
])
def test_s_c2_builder_reason_in_both_languages(site, fields, ko):
    """S-C2: the builder's own reason is translated: Korean only on a
    Korean page (issue 14: one language at a time), the two side by side
    with lang=both."""
    c = Client(site, accept_language="ko")
    r = lab_set(site, c, **fields)
    assert r.status_code == 400
    m = re.search(r'id="lab-refused">(.*?)</div>', r.text, re.S)
    ps = re.findall(r'<p lang="(ko|en)"( class="alt")?>(.*?)</p>',
                    m.group(1), re.S)
    assert [(lang, alt) for lang, alt, _ in ps] == [("ko", ""), ("ko", "")]
    assert ko in re.sub(r"</?code>", "", ps[1][2])
    assert "cookie_build" not in m.group(1)
    c.cookies["lang"] = "both"
    r = lab_set(site, c, **fields)
    assert r.status_code == 400
    m = re.search(r'id="lab-refused">(.*?)<p>[^<]*</p>\s*</div>', r.text,
                  re.S)
    assert m, r.text[:400]
    assert m.group(1).count('<div class="both"><p lang="ko">') == 2
    ps = re.findall(r'<p lang="(ko|en)"( class="alt")?>(.*?)</p>',
                    m.group(1), re.S)
    assert [(lang, alt) for lang, alt, _ in ps] == [
        ("ko", ""), ("en", ""), ("ko", ""), ("en", "")]
    assert ko in re.sub(r"</?code>", "", ps[2][2])
