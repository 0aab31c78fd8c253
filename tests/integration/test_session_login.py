"""Session login over real HTTP.

S-S1 session login, S-S2 what the server keeps, S-S8 fixation and theft,
S-S9 remember me. Every Set-Cookie is checked as the raw header string.
"""
import hashlib
import re
import time

from sitectl import (CSRF_RE, HTML_TYPE, JSON_TYPE, SID_COOKIE_RE,
                     SID_REMEMBER_RE, SID_RE, error_callout, main_part,
                     one_sid_cookie, set_cookie_headers, sid_hash,
                     sid_hash_hex8)
import sitectl

STORES = sitectl.STORES     # on SQLite and on Redis (issue 12)

B64URL43 = re.compile(r"^[A-Za-z0-9_-]{43}$")


def user_id(site, username):
    rows = site.query("SELECT id FROM users WHERE username = ?", (username,))
    assert rows, username
    return rows[0][0]


# ---- S-S1: the form ------------------------------------------------------------
def test_s_s1_login_form_creates_guest_session_cookie(client, site):
    """S-S1: GET /session/login with no cookie answers 200 with the form and
    exactly `Set-Cookie: sid=<43 base64url>; Path=/; HttpOnly; SameSite=Lax`
    (a session cookie: no Max-Age, no Expires)."""
    r = client.get("/session/login", cookies=False)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == HTML_TYPE
    lines = set_cookie_headers(r)
    assert len(lines) == 1, lines
    m = SID_COOKIE_RE.match(lines[0])
    assert m, lines[0]
    assert "Max-Age" not in lines[0] and "Expires" not in lines[0]
    sid = m.group(1)
    assert SID_RE.match(sid)
    # The guest row exists, keyed by the hash, with no user yet.
    row = site.session_row(sid)
    assert row is not None and row["user_id"] is None
    assert row["persistent"] == 0

    html = r.text
    tokens = CSRF_RE.findall(html)
    assert len(tokens) == 1 and B64URL43.match(tokens[0]), tokens
    assert '<form class="card" method="post" action="/session/login">' in html
    for field in ('name="username"', 'name="password"',
                  'name="remember" type="checkbox" value="1"'):
        assert field in html
    for account, password in (("alice", "alice-password"),
                              ("bob", "bob-password"),
                              ("admin", "admin-password")):
        assert f"<code>{account}</code>" in html
        assert f"<code>{password}</code>" in html


def test_s_s1_login_form_reuses_existing_session(client):
    """S-S1: a visitor who already has a session gets no new cookie, and the
    CSRF token (bound to the session) stays the same."""
    first = client.login_form()
    sid = client.sid
    r = client.get("/session/login")
    assert r.status_code == 200
    assert set_cookie_headers(r) == []
    assert CSRF_RE.search(r.text).group(1) == first
    assert client.sid == sid


# ---- S-S1 / S-S8: logging in -----------------------------------------------------
def test_s_s1_s_s8_login_rotates_session_id(client, site):
    """S-S1 + S-S8: POST /session/login answers 303 to /session/me with a
    NEW sid cookie (same attributes); the pre-login ID is dead afterwards."""
    token = client.login_form()
    old = client.sid
    before = int(time.time())
    r = client.post("/session/login", data={
        "username": "alice", "password": "alice-password", "csrf": token})
    assert r.status_code == 303
    assert r.headers["Location"] == "/session/me"
    new = one_sid_cookie(r).group(1)
    assert new != old

    # The old ID no longer works: not recognised, and no row is left.
    st = client.state(cookies=False, headers={"Cookie": f"sid={old}"})
    assert st["authenticated"] is False
    assert st["user"] is None and st["session"] is None
    me = client.get("/session/me", cookies=False,
                    headers={"Cookie": f"sid={old}"})
    assert me.status_code == 401
    assert site.session_row(old) is None

    # The new one does, and the data says where it came from (S-S8).
    st = client.state()
    assert st["authenticated"] is True
    assert st["user"]["username"] == "alice"
    login = st["session"]["data"]["login"]
    expect = hashlib.blake2b(old.encode(), digest_size=32).hexdigest()[:8]
    assert expect == sid_hash_hex8(old)
    assert login["rotated_from"] == expect
    assert login["remember"] is False
    assert before <= login["at"] <= int(time.time()) + 1
    row = site.session_row(new)
    assert row is not None and row["user_id"] == user_id(site, "alice")


def test_s_s1_state_json_shape(client, site):
    """S-S1/S-S2: GET /session/state is JSON {authenticated, user, session}
    with Unix-second times; guest and logged-in variants."""
    # No cookie at all: nothing is known.
    r = client.get("/session/state", cookies=False)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == JSON_TYPE
    assert r.json() == {"authenticated": False, "user": None,
                        "session": None}
    assert set_cookie_headers(r) == []

    # A guest session (from the login form): a session, no user.
    client.login_form()
    st = client.state()
    assert st["authenticated"] is False and st["user"] is None
    assert set(st["session"]) == {"created", "last_seen", "idle_expires",
                                  "absolute_expires", "persistent", "data"}
    assert st["session"]["data"] == {}
    assert st["session"]["persistent"] is False

    r = client.login("bob", "bob-password")
    assert r.status_code == 303
    r = client.get("/session/state")
    assert r.headers["Content-Type"] == JSON_TYPE
    st = r.json()
    assert set(st) == {"authenticated", "user", "session"}
    assert st["authenticated"] is True
    assert st["user"] == {"id": user_id(site, "bob"), "username": "bob",
                          "display_name": "Bob", "role": "user"}
    s = st["session"]
    for k in ("created", "last_seen", "idle_expires", "absolute_expires"):
        assert isinstance(s[k], int), k
    now = time.time()
    assert abs(s["created"] - now) < 10
    assert s["created"] <= s["last_seen"] <= s["idle_expires"] \
        <= s["absolute_expires"]
    # Defaults (DESIGN.md): idle 30 min, absolute 12 h.
    assert s["idle_expires"] - s["last_seen"] == 1800
    assert s["absolute_expires"] - s["created"] == 43200
    assert s["persistent"] is False
    # The JSON agrees with the row.
    row = site.session_row(client.sid)
    assert row["created"] == s["created"]
    assert row["absolute_expires"] == s["absolute_expires"]


def test_s_s1_admin_role(client):
    """S-S1: the admin demo account logs in with role admin."""
    assert client.login("admin", "admin-password").status_code == 303
    st = client.state()
    assert st["user"]["username"] == "admin"
    assert st["user"]["role"] == "admin"


# ---- S-S2: only the hash is stored ----------------------------------------------------
def test_s_s2_server_stores_only_hash_of_id(client, site):
    """S-S2: the session is keyed by BLAKE2b-256(sid) (the sessions row,
    or the Redis key session:<hex>); no column of any table and no Redis
    key or value holds the raw ID; passwords are Argon2id hashes."""
    assert client.login("alice", "alice-password").status_code == 303
    sid = client.sid
    row = site.session_row(sid)
    assert row["id_hash"] == sid_hash(sid) and len(row["id_hash"]) == 32
    assert row["user_id"] == user_id(site, "alice")

    raw = sid.encode()
    for where, b in site.stored_bytes():
        assert raw not in b, f"raw session ID stored in {where}"
    hashes = site.query("SELECT username, password_hash FROM users")
    assert {h[0] for h in hashes} >= {"alice", "bob", "admin"}
    for username, h in hashes:
        assert h.startswith("$argon2id$"), username
        assert f"{username}-password" not in h


# ---- S-S1: /session/me -------------------------------------------------------------
def test_s_s1_me_logged_in(client):
    """S-S1: /session/me recognises the visitor by the cookie alone."""
    assert client.login("alice", "alice-password").status_code == 303
    r = client.get("/session/me")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == HTML_TYPE
    main = main_part(r.text)
    assert "<strong>Alice</strong> (<code>alice</code>, user)" in main
    st = client.state()
    # The rotation table shows the hash before and after (S-S8).
    assert f"<code>{st['session']['data']['login']['rotated_from']}…</code>" \
        in main
    assert f"<code>{sid_hash_hex8(client.sid)}…</code>" in main


def test_s_s1_me_without_session_is_401(client):
    """S-S1: without a session /session/me answers 401 with a link to the
    login form that comes back here."""
    r = client.get("/session/me", cookies=False)
    assert r.status_code == 401
    assert r.headers["Content-Type"] == HTML_TYPE
    assert '<a class="button" href="/session/login?next=/session/me">' in r.text
    assert set_cookie_headers(r) == []
    # A guest session (not logged in) is not enough either.
    client.login_form()
    r = client.get("/session/me")
    assert r.status_code == 401


def test_s_s1_me_with_unknown_id_is_401_and_cookie_expired(client):
    """S-S1: a well-formed but unknown ID gets 401, and the response tells
    the browser to delete the stale cookie."""
    r = client.get("/session/me", cookies=False,
                   headers={"Cookie": "sid=" + "A" * 43})
    assert r.status_code == 401
    assert set_cookie_headers(r) == [
        "sid=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"]


def test_s_s1_stale_cookie_replaced_by_one_new_cookie(client, site):
    """S-S1: opening the form with a stale (unknown) sid gives exactly one
    Set-Cookie: the new guest ID (not an expiry line as well)."""
    stale = "B" * 43
    r = client.get("/session/login", cookies=False,
                   headers={"Cookie": f"sid={stale}"})
    assert r.status_code == 200
    new = one_sid_cookie(r).group(1)
    assert new != stale
    assert site.session_row(new) is not None
    # A malformed one likewise.
    r = client.get("/session/login", cookies=False,
                   headers={"Cookie": "sid=short"})
    assert r.status_code == 200
    one_sid_cookie(r)


# ---- S-S1: failures ------------------------------------------------------------------
def test_s_s1_wrong_password_and_unknown_user_answer_alike(new_client, site):
    """S-S1: a wrong password and an unknown user both get 401 with the same
    message (in the page's one language, issue 14: English here, Korean
    with lang=ko); only per-request values differ."""
    a, b = new_client(), new_client()
    ra = a.login("bob", "not-bobs-password")
    rb = b.login("nosuchuser", "not-bobs-password")
    assert ra.status_code == 401 and rb.status_code == 401
    assert ra.headers["Content-Type"] == rb.headers["Content-Type"] == HTML_TYPE
    assert set_cookie_headers(ra) == [] and set_cookie_headers(rb) == []
    msg_a, msg_b = error_callout(ra.text), error_callout(rb.text)
    assert msg_a == msg_b
    assert msg_a.strip() == ('<p><span lang="en">Wrong username or password. '
                             '(Which one is wrong is deliberately not said.)'
                             '</span></p>')
    c = new_client()
    c.cookies["lang"] = "ko"
    ko = error_callout(c.login("bob", "not-bobs-password").text)
    assert "사용자 이름이나 비밀번호가 틀렸습니다" in ko
    assert "Wrong username" not in ko and 'lang="en"' not in ko

    def normalise(html, username, client):
        m = main_part(html)
        m = m.replace(CSRF_RE.search(m).group(1), "CSRF")
        return m.replace(f'value="{username}"', 'value="USER"')
    assert normalise(ra.text, "bob", a) == normalise(rb.text, "nosuchuser", b)
    # Neither visitor is logged in; the guest sessions are unchanged.
    assert a.state()["authenticated"] is False
    assert b.state()["authenticated"] is False
    # The failures are counted for the throttle...
    assert len(site.login_failures("nosuchuser")) == 1
    # ...and a success clears them for that username.
    assert len(site.login_failures("bob")) >= 1
    assert a.login("bob", "bob-password").status_code == 303
    assert site.login_failures("bob") == []


def test_s_s1_missing_fields_are_400(client):
    """S-S1: a login without username or password is malformed: 400."""
    token = client.login_form()
    r = client.post("/session/login", data={"username": "alice",
                                            "csrf": token})
    assert r.status_code == 400
    r = client.post("/session/login", data={"password": "alice-password",
                                            "csrf": token})
    assert r.status_code == 400
    assert client.state()["authenticated"] is False


# ---- S-S8: theft ---------------------------------------------------------------------
def test_s_s8_stolen_id_works_until_logout(new_client):
    """S-S8: whoever sends the ID is the user (another program, another
    User-Agent), until the session is ended on the server."""
    victim, thief = new_client(), new_client()
    assert victim.login("alice", "alice-password").status_code == 303
    stolen = victim.sid
    st = thief.state(cookies=False, headers={
        "Cookie": f"sid={stolen}", "User-Agent": "curl/8.0"})
    assert st["authenticated"] is True
    assert st["user"]["username"] == "alice"
    token = CSRF_RE.search(victim.get("/session/me").text).group(1)
    assert victim.post("/session/logout",
                       data={"csrf": token}).status_code == 200
    st = thief.state(cookies=False, headers={
        "Cookie": f"sid={stolen}", "User-Agent": "curl/8.0"})
    assert st["authenticated"] is False


# ---- S-S9: remember me ------------------------------------------------------------------
def test_s_s9_remember_me_makes_cookie_persistent(client, site):
    """S-S9: remember=1 turns the cookie into a persistent one with
    Max-Age=1209600 exactly, and the server keeps the row as long."""
    r = client.login("alice", "alice-password", remember="1")
    now = time.time()
    assert r.status_code == 303
    assert r.headers["Location"] == "/session/me"
    m = one_sid_cookie(r, SID_REMEMBER_RE)
    assert m.group(2) == "1209600"
    assert set_cookie_headers(r)[0] == (
        f"sid={m.group(1)}; Max-Age=1209600; Path=/; HttpOnly; SameSite=Lax")
    row = site.session_row(m.group(1))
    assert row["persistent"] == 1
    assert abs(row["absolute_expires"] - (now + 1209600)) <= 5
    assert abs(row["idle_expires"] - (now + 1209600)) <= 5
    st = client.state()
    assert st["session"]["persistent"] is True
    assert st["session"]["data"]["login"]["remember"] is True
    me = client.get("/session/me")
    assert "persistent (has Max-Age)" in me.text


def test_s_s9_remember_must_be_1(client, site):
    """S-S9: remember=2 is malformed: 400, no cookie, nothing rotated."""
    token = client.login_form()
    old = client.sid
    before = site.dump(normalise_touch=False)
    r = client.post("/session/login", data={
        "username": "alice", "password": "alice-password",
        "remember": "2", "csrf": token})
    assert r.status_code == 400
    assert r.headers["Content-Type"] == HTML_TYPE
    assert set_cookie_headers(r) == []
    assert "400 Bad Request" in r.text
    assert client.sid == old
    assert site.dump(normalise_touch=False) == before
    assert client.state()["authenticated"] is False


# ---- S-S1 / S-X3: reply=json, for the /lab/scale script under make cluster --
def test_s_s1_s_x3_login_reply_json(client, site):
    """S-S1 + S-X3: reply=json logs in exactly as the form does (a new sid
    with the same attributes, the old ID dead) but answers 200 with JSON,
    whose X-Node a fetch can read; the redirect target is named, and an
    unsafe next falls back to /session/me as the 303 does."""
    token = client.login_form()
    old = client.sid
    r = client.post("/session/login", data={
        "username": "alice", "password": "alice-password", "csrf": token,
        "next": "https://evil.example/", "reply": "json"})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == JSON_TYPE
    assert "Location" not in r.headers
    assert r.json() == {"logged_in": True, "user": "alice",
                        "next": "/session/me"}
    new = one_sid_cookie(r).group(1)
    assert new != old and site.session_row(old) is None
    assert client.state()["user"]["username"] == "alice"


def test_s_s1_login_reply_must_be_json(client, site):
    """S-S1: reply=xml is malformed: 400, no cookie, nothing stored."""
    token = client.login_form()
    old = client.sid
    before = site.dump(normalise_touch=False)
    r = client.post("/session/login", data={
        "username": "alice", "password": "alice-password",
        "reply": "xml", "csrf": token})
    assert r.status_code == 400
    assert set_cookie_headers(r) == []
    assert client.sid == old
    assert site.dump(normalise_touch=False) == before
