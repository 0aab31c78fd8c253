"""The live sequence diagram's data (issue 14): every page carries, in a
<script type="application/json" id="wire-exchange"> block, this request's
real exchange: what the client sent (S-C1 the Cookie header, pair by
pair), what the server answered (status, Location, each Set-Cookie with
its attributes, S-S1), the store operations the program made (S-S2, S-S5,
S-S10 on Redis) and the server's times; and, after a redirect, the hops
that led to the page (S-S1 login → 303 → /session/me).

Run on both stores (sitectl.STORES)."""
import json
import re
import time

import pytest

import sitectl
from sitectl import (Client, build_request, csrf_from, raw_request,
                     set_cookie_headers, sid_hash)

STORES = sitectl.STORES

BLOCK_OPEN = '<script type="application/json" id="wire-exchange">'
ELLIPSIS = "\u2026"
SHORT = 8               # characters of a value shown (WIRE_SHORT_CHARS)
HOP_AGE_MAX = 30        # WIRE_HOP_AGE_MAX
EXCHANGE_KEYS = {"method", "path", "status", "location", "cookies",
                 "set_cookies", "authorization", "ops", "ops_dropped",
                 "program_us", "store_us", "at"}


def block_text(html: str) -> str:
    """The data block's text: from its opening tag to the first </script,
    exactly where an HTML parser ends it. Exactly one block per page."""
    assert html.count(BLOCK_OPEN) == 1
    start = html.index(BLOCK_OPEN) + len(BLOCK_OPEN)
    end = html.index("</script", start)
    return html[start:end]


def exchange(html: str) -> dict:
    text = block_text(html)
    # Nothing in it can end the block or open an HTML comment.
    assert "<" not in text
    d = json.loads(text)
    assert set(d) == EXCHANGE_KEYS | {"hops", "lang", "words"}
    return d


def short(v: str) -> str:
    return v if len(v) <= SHORT else v[:SHORT] + ELLIPSIS


def sent_cookies(r) -> list[dict]:
    """The Cookie header the client really sent, split into pairs, as the
    exchange lists them."""
    header = r.request.headers.get("Cookie")
    if not header:
        return []
    out = []
    for pair in header.split("; "):
        name, _, value = pair.partition("=")
        out.append({"name": name, "value": short(value),
                    "bytes": len(name) + len(value), "dup": False})
    return out


def received_set_cookies(r) -> list[dict]:
    """Each Set-Cookie line of the response, as the exchange lists it."""
    out = []
    for line in set_cookie_headers(r):
        pair, *attrs = line.split("; ")
        name, _, value = pair.partition("=")
        out.append({"name": name, "value": short(value),
                    "bytes": len(name) + len(value), "attrs": attrs,
                    "httponly": "HttpOnly" in attrs})
    return out


def assert_matches(ex: dict, r, method: str, path: str):
    """ex is exactly what r's request carried and its response answered."""
    assert ex["method"] == method
    assert ex["path"] == path
    assert ex["status"] == r.status_code
    assert ex["location"] == r.headers.get("Location")
    assert ex["cookies"] == sent_cookies(r)
    assert ex["set_cookies"] == received_set_cookies(r)


def assert_times(ex: dict):
    """The times add up: the store's is the sum of its operations (each
    rounded), inside the program's own time."""
    for op in ex["ops"]:
        assert set(op) == {"store", "op", "us"}
        assert op["store"] in ("sqlite", "redis")
        assert isinstance(op["us"], int) and op["us"] >= 0
    assert abs(ex["store_us"] - sum(op["us"] for op in ex["ops"])) <= \
        len(ex["ops"])
    assert ex["ops_dropped"] == 0
    assert ex["program_us"] > 0
    assert ex["program_us"] + len(ex["ops"]) >= ex["store_us"]


def ops_of(ex: dict, skip=()) -> list[str]:
    return [op["op"] for op in ex["ops"] if op["op"] not in skip]


def login(c: Client):
    r = c.login("alice", "alice-password")
    assert r.status_code == 303 and r.headers["Location"] == "/session/me"
    return r


def session_key8(sid: str) -> str:
    return "session:" + sid_hash(sid).hex()[:8] + ELLIPSIS


# Operations that come and go with time, not with the request: the demo
# clock is re-read once a second, the session touched at most once a
# second (S-S3), on Redis with the touch script loaded on its first use
# by a process.
def clock_and_touch(store):
    if store == "sqlite":
        return {"SELECT demo_clock", "UPDATE sessions"}
    return {"SELECT demo_clock", "EVALSHA session touch", "SCRIPT LOAD"}


# ---- the exchange equals what really travelled --------------------------------
def test_s_s1_guest_page_exchange_is_what_travelled(site, client):
    """S-S1: the login form with no cookie: no Cookie header, one
    Set-Cookie (the guest sid) with its attributes, status 200."""
    r = client.get("/session/login")
    assert r.status_code == 200
    ex = exchange(r.text)
    assert_matches(ex, r, "GET", "/session/login")
    assert ex["cookies"] == []
    [sc] = ex["set_cookies"]
    assert sc["name"] == "sid" and sc["attrs"] == ["Path=/", "HttpOnly",
                                                   "SameSite=Lax"]
    assert sc["httponly"] is True
    # Never the whole session ID: the diagram shows 8 characters.
    assert client.sid not in r.text.split(BLOCK_OPEN)[1].split("</script")[0]
    assert ex["authorization"] is None
    assert ex["hops"] == []
    assert ex["lang"] == "en"
    assert_times(ex)


def test_s_c1_cookie_header_split_as_sent(site, client):
    """S-C1: a page's exchange lists the Cookie header the client sent,
    pair by pair in order, each value cut to 8 characters and "…", with
    its size in bytes; and an Authorization header as "Bearer eyJhbGci…"."""
    login(client)
    client.cookies["theme"] = "dark"
    client.cookies["note"] = "a-rather-long-value-0123456789"
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    r = client.get("/session/me", headers={"Authorization":
                                           "Bearer " + token})
    assert r.status_code == 200
    ex = exchange(r.text)
    assert_matches(ex, r, "GET", "/session/me")
    assert [c["name"] for c in ex["cookies"]] == ["sid", "theme", "note"]
    assert ex["cookies"][1] == {"name": "theme", "value": "dark",
                                "bytes": 9, "dup": False}
    assert ex["cookies"][2]["value"] == "a-rather" + ELLIPSIS
    assert ex["authorization"] == "Bearer eyJhbGci" + ELLIPSIS
    assert token not in r.text.split(BLOCK_OPEN)[1].split("</script")[0]
    assert_times(ex)


def test_s_c4_fifty_set_cookie_lines_line_by_line(site, client):
    """S-C4: the limits lab sends 50 Set-Cookie lines in one answer; the
    exchange lists each, in order, with its attributes, as received."""
    client.get("/lab/limits/")
    r = client.post("/lab/limits/many", data={"first": "1"},
                    headers={"Origin": site.origin})
    assert r.status_code == 200
    ex = exchange(r.text)
    assert_matches(ex, r, "POST", "/lab/limits/many")
    assert len(ex["set_cookies"]) == 50
    assert ex["set_cookies"][0] == {
        "name": "c001", "value": "1", "bytes": 5,
        "attrs": ["Path=/lab/limits/", "SameSite=Lax"], "httponly": False}


def test_s_c6_prefs_redirect_stores_nothing(site, client):
    """S-C6: preferences are cookies only: POST /prefs (303 with two
    Set-Cookie lines) writes nothing about the visitor, so no hop is kept
    for it and the page it leads to draws only itself."""
    login(client)
    client.get("/session/me")
    token = csrf_from(client.get("/prefs").text)
    before = site.dump(normalise_touch=True)
    post = client.post("/prefs", data={"theme": "dark", "lang": "en",
                                       "csrf": token},
                       headers={"Origin": site.origin})
    assert post.status_code == 303 and post.headers["Location"] == "/prefs"
    assert len(set_cookie_headers(post)) == 2
    assert site.dump(normalise_touch=True) == before
    page = client.get("/prefs")
    ex = exchange(page.text)
    assert_matches(ex, page, "GET", "/prefs")
    assert ex["hops"] == []


# ---- the store operations ------------------------------------------------------
def test_s_s2_me_lists_the_session_read_and_the_user_lookup(site, client,
                                                            store):
    """S-S2 (S-S10 on Redis): a logged-in /session/me reads the session
    (the SQLite row, or the Redis hash and its TTL in one pipeline, the
    key cut to 8 hex digits) and the user row; never a bound value."""
    login(client)
    r = client.get("/session/me")
    ex = exchange(r.text)
    if store == "sqlite":
        want = ["SELECT sessions", "SELECT users"]
    else:
        k = session_key8(client.sid)
        want = [f"HGETALL {k} | TTL {k}", "SELECT users"]
    assert ops_of(ex, clock_and_touch(store)) == want
    assert {op["store"] for op in ex["ops"]
            if op["op"] in want} == ({"sqlite"} if store == "sqlite"
                                     else {"redis", "sqlite"})
    text = block_text(r.text)
    assert sid_hash(client.sid).hex() not in text
    assert client.sid not in text
    assert_times(ex)


def test_s_s5_cart_add_ops_and_the_hop_rule(site, client, store):
    """S-S5: a guest's cart add (303 to /cart) writes the cart into the
    session data (the sessions row, or the Redis session script), and the
    /cart page it leads to draws that hop with those operations. A
    logged-in add writes user_carts only, not the session: no hop is
    kept for it (a redirect is remembered only by a request that wrote
    the session anyway), and /cart lists its own read of user_carts."""
    token = csrf_from(client.get("/cart").text)
    post = client.post("/cart/add", data={"product": "1", "qty": "2",
                                          "csrf": token})
    assert post.status_code == 303
    page = client.get("/cart")
    [hop] = exchange(page.text)["hops"]
    assert_matches(hop, post, "POST", "/cart/add")
    ops = ops_of(hop)
    if store == "sqlite":
        assert "UPDATE sessions" in ops
    else:
        assert "EVALSHA session write" in ops
    assert "INSERT user_carts" not in ops
    assert_times(hop)

    user = Client(site)
    try:
        login(user)
        token = csrf_from(user.get("/cart").text)
        before = json.loads(site.session_row(user.sid)["data"])["wire_hops"]
        post = user.post("/cart/add", data={"product": "1", "qty": "2",
                                            "csrf": token})
        assert post.status_code == 303
        page = user.get("/cart")
        ex = exchange(page.text)
        assert ex["hops"] == []
        assert "SELECT user_carts" in ops_of(ex)
        after = json.loads(site.session_row(user.sid)["data"])["wire_hops"]
        assert after == before
        assert user.get("/cart/state").json()["items"][0]["qty"] == 2
    finally:
        user.close()


# ---- hostile cookies stay inside the block -------------------------------------
HOSTILE = [
    ("x", "</script><script>alert(1)</script>"),
    ("y", "<!--<script>"),
    ("z", "</SCRIPT >"),
    ("a<b", "1"),
    ("q", "'\\u003c\"&amp"),
    ("big", "v" * 3000),
]


@pytest.mark.parametrize("name,value", HOSTILE)
def test_s_c1_hostile_cookies_cannot_leave_the_block(site, name, value):
    """S-C1 + bad input: HTML, a closing script tag, a comment opener, a
    quote and a huge value in a cookie are escaped in the JSON block
    (no '<' at all in it), which parses to the pair as sent (cut short,
    with its real size); the page is answered 200 and stores nothing."""
    before = site.dump()
    st, headers, body = raw_request(site, build_request(
        site, "GET", "/", {"Cookie": f"{name}={value}"}))
    assert st == 200
    html = body.decode("utf-8")
    ex = exchange(html)
    assert ex["cookies"] == [{"name": name, "value": short(value),
                              "bytes": len(name) + len(value),
                              "dup": False}]
    # Nowhere on the page as markup; the text wire view shows it escaped.
    assert "<script>alert" not in html and "<!--<script" not in html
    assert html.rstrip().endswith("</html>")
    assert site.dump() == before


@pytest.mark.parametrize("value", ["a\x01b", "a\x7fb", "a\x00b"])
def test_s_c1_control_bytes_in_a_cookie_are_refused(site, value):
    """Bad input: a cookie with a control byte (NUL-ish) is refused with a
    400 before any page is made; nothing is stored."""
    before = site.dump()
    st, headers, body = raw_request(site, build_request(
        site, "GET", "/", {"Cookie": "z=" + value}))
    assert st == 400
    html = body.decode("utf-8", "replace")
    if BLOCK_OPEN in html:              # answered by the program: parses
        assert exchange(html)["status"] == 400
    assert "\x01" not in html and "\x00" not in html
    assert site.dump() == before


def test_bad_request_page_still_carries_a_parsable_block(site):
    """A Cookie header over its limit is a 431 page; its block parses, and
    lists no cookie (none were parsed)."""
    st, headers, body = raw_request(site, build_request(
        site, "GET", "/", {"Cookie": "k=" + "v" * 9000}))
    assert st == 431
    ex = exchange(body.decode("utf-8"))
    assert ex["status"] == 431 and ex["cookies"] == []


# ---- the login chain ------------------------------------------------------------
def test_s_s1_login_chain_carries_the_303_hop(site, client):
    """S-S1: POST /session/login (303) then GET /session/me: the page's
    exchange carries the 303 hop (its new sid Set-Cookie as sent, the
    Location it pointed to) before its own; a GET of an unrelated page
    afterwards carries no hop."""
    client.login_form()
    post = login(client)
    me = client.get("/session/me")
    ex = exchange(me.text)
    assert_matches(ex, me, "GET", "/session/me")
    [hop] = ex["hops"]
    assert_matches(hop, post, "POST", "/session/login")
    assert hop["location"] == "/session/me"
    [sc] = hop["set_cookies"]
    assert sc["name"] == "sid" and sc["value"] == short(client.sid)
    assert sc["httponly"] is True
    assert hop["at"] <= ex["at"] <= hop["at"] + HOP_AGE_MAX
    # The new session ID is stored nowhere whole: only 8 characters.
    data = client.state()["session"]["data"]
    assert client.sid not in json.dumps(data)
    assert exchange(client.get("/cart").text)["hops"] == []
    assert exchange(client.get("/").text)["hops"] == []


def test_s_s1_only_hops_that_led_here_are_drawn(site, client):
    """S-S1: the session keeps the last 4 redirects, no more, and a page
    draws only the chain that led to it: after five logins in a row (each
    a 303 to /session/me), /session/me draws the last login alone, since
    the one before it led to /session/me, not to /session/login."""
    for _ in range(5):
        login(client)
    hops = json.loads(site.session_row(client.sid)["data"])["wire_hops"]
    assert len(hops) == 4
    assert {(h["method"], h["path"], h["location"]) for h in hops} == {
        ("POST", "/session/login", "/session/me")}
    [hop] = exchange(client.get("/session/me").text)["hops"]
    assert hop == hops[-1]


def test_s_s1_old_hop_does_not_count(store):
    """A kept 303 older than 30 s on the site clock is not drawn: the
    teacher's demo clock (issue 6) moved forward a minute between the
    login and the page."""
    with sitectl.private_site(f"seq-clock-{store}", store=store) as s:
        admin, c = Client(s), Client(s)
        try:
            assert admin.login("admin", "admin-password").status_code == 303
            login(c)
            token = csrf_from(admin.get("/session/admin").text)
            r = admin.post("/session/admin/clock", data={
                "csrf": token, "minutes": "1"})
            assert r.status_code == 200
            assert 'id="admin-clock-minutes">1<' in r.text
            time.sleep(1.1)            # each process re-reads it within 1 s
            assert exchange(c.get("/session/me").text)["hops"] == []
        finally:
            admin.close()
            c.close()


def test_s_s3_plain_gets_write_no_hop(site, client):
    """S-S3: only a redirect keeps a hop; plain GETs (pages, state JSON)
    leave the stored session data exactly as it was (the touch of
    last_seen aside, as every request with a session does)."""
    login(client)
    client.get("/session/me")
    before_data = site.session_row(client.sid)["data"]
    before = site.dump(normalise_touch=True)
    for path in ("/session/me", "/cart", "/", "/session/state", "/prefs"):
        assert client.get(path).status_code == 200
    assert site.session_row(client.sid)["data"] == before_data
    assert site.dump(normalise_touch=True) == before


def test_s_s1_refused_post_keeps_no_hop(site, client):
    """S-S1: a refused POST (a logout with a bad CSRF token: 403) is no
    redirect and keeps nothing."""
    login(client)
    client.get("/session/me")
    before = site.session_row(client.sid)["data"]
    r = client.post("/session/logout", data={"csrf": "x" * 43},
                    headers={"Origin": site.origin})
    assert r.status_code == 403
    assert site.session_row(client.sid)["data"] == before


def test_words_are_the_page_language(site):
    """The diagram's words come with the page, in its language: every
    seq.* string of templates/strings/seq.tsv, Korean on a Korean page."""
    rows = [line.split("\t") for line in
            (sitectl.SITE_ROOT / "templates/strings/seq.tsv")
            .read_text(encoding="utf-8").splitlines() if line]
    for lang, col in (("ko", 1), ("en", 2)):
        c = Client(site, accept_language=lang)
        try:
            words = exchange(c.get("/").text)["words"]
        finally:
            c.close()
        assert words == {key[len("seq."):]: (ko if lang == "ko" else en)
                         for key, ko, en in rows}


SERVER_TIMING = re.compile(
    r'^app;dur=(\d+\.\d{3});desc="program", store;dur=(\d+\.\d{3})')
OP_METRIC = re.compile(r', (sqlite|redis);dur=(\d+\.\d{3});desc="((?:[^"\\]|\\.)*)"')


def op_metrics(header: str) -> list[tuple[str, str]]:
    """(store, label) of each store operation Server-Timing lists; the
    whole header must be made of the two sums and those."""
    m = SERVER_TIMING.match(header)
    assert m, header
    rest = header[m.end():]
    ops = OP_METRIC.findall(rest)
    assert "".join(f', {s};dur={d};desc="{l}"' for s, d, l in ops) == rest
    return [(s, re.sub(r"\\(.)", r"\1", l)) for s, _, l in ops]


def test_s_j4_server_timing_gives_a_fetch_the_server_times(site, client,
                                                           store):
    """S-J4 (S-S10 on Redis): every answer carries Server-Timing with the
    program's time and the store's part of it in ms, and an answer
    without a page (what /jwt's and /compare's scripts fetch) each store
    operation as the wire view would list it ("..." for "…"); a page
    lists none there (its data block has them), and its store sum is the
    exchange's store_us."""
    login(client)
    r = client.get("/session/me")
    assert op_metrics(r.headers["Server-Timing"]) == []
    app, store_ms = map(float, SERVER_TIMING.match(
        r.headers["Server-Timing"]).groups())
    ex = exchange(r.text)
    assert abs(store_ms * 1000 - ex["store_us"]) <= 1 + len(ex["ops"])
    assert app * 1000 >= ex["program_us"] - 1

    r = client.get("/session/state")
    assert r.status_code == 200
    ops = [o for o in op_metrics(r.headers["Server-Timing"])
           if o[1] not in clock_and_touch(store)]
    if store == "sqlite":
        assert ops == [("sqlite", "SELECT sessions"),
                       ("sqlite", "SELECT users")]
    else:
        k = session_key8(client.sid).replace(ELLIPSIS, "...")
        assert ops == [("redis", f"HGETALL {k} | TTL {k}"),
                       ("sqlite", "SELECT users")]
    # A refused request has the sums too.
    r = client.post("/session/login", data={})
    assert r.status_code in (400, 403)
    assert op_metrics(r.headers["Server-Timing"]) == []


def test_s_s6_signup_steps_draw_their_redirects(site, client):
    """S-S6: each wizard step that writes the wizard's state into the
    session answers 303, and the page it leads to draws it: details →
    /signup/verify, then "send again" → /signup/inbox."""
    token = csrf_from(client.get("/signup/details").text)
    name = "seq" + str(int(time.time() * 1000))[-9:]
    post = client.post("/signup/details", data={
        "username": name, "email": "seq@example.com",
        "password": "a long enough passphrase",
        "password2": "a long enough passphrase", "csrf": token})
    assert post.status_code == 303
    assert post.headers["Location"] == "/signup/verify"
    [hop] = exchange(client.get("/signup/verify").text)["hops"]
    assert_matches(hop, post, "POST", "/signup/details")
    post = client.post("/signup/resend", data={"csrf": token})
    assert post.status_code == 303
    assert post.headers["Location"] == "/signup/inbox"
    inbox = client.get("/signup/inbox")
    hops = exchange(inbox.text)["hops"]
    assert [(h["method"], h["path"], h["status"], h["location"])
            for h in hops] == [("POST", "/signup/resend", 303,
                                "/signup/inbox")]
    assert_matches(hops[0], post, "POST", "/signup/resend")
