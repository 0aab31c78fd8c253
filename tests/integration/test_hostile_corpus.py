"""A hostile-input corpus sent to EVERY route of every program (issue 7):
header and cookie floods, 1 MB bodies, deep and huge JSON, invalid UTF-8,
NUL bytes, SQL and HTML payloads, path traversal. Each request gets the
exact 4xx of its class, the database is byte-for-byte unchanged over the
whole class (a dump of every table before and after), nothing is echoed
unescaped, and no program dies (the shared site's lighttpd log check at
teardown). Routes are read from the route tables in cgi-bin/*.c of the
programs lighttpd.conf serves, so a new route is covered without editing
this file. Scenarios: S-S1, S-S2 (the stored state stays intact), S-J2
(the JSON API), S-C8 (cookie limits).

Bounded: one request per route and class, each with a short timeout."""
import re
import socket
import http.client
from pathlib import Path

import pytest

import sitectl
from sitectl import Client, build_request

ROOT = Path(__file__).resolve().parents[2]
ROUTE_RE = re.compile(
    r'\{\s*HTTP_(GET|POST)\s*,\s*"(/[^"]*)"\s*,\s*\w+\s*,\s*([A-Z_| 0]+)\s*,')
TIMEOUT = 10
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def served_programs():
    conf = (ROOT / "lighttpd.conf").read_text()
    return set(re.findall(r'var\.cgi \+ "/(\w+)\.fcgi"', conf))


def collect_routes():
    """(method, path, flags) of every route of every served program."""
    out = []
    for src in sorted((ROOT / "cgi-bin").glob("*.c")):
        if src.stem not in served_programs():
            continue
        for m in ROUTE_RE.finditer(src.read_text()):
            method, path, flags = m.group(1), m.group(2), m.group(3)
            if "ROUTE_PREFIX" in flags:
                path += "x"
            out.append((method, path, flags.strip()))
    return out


ROUTES = collect_routes()


def send(site, data: bytes):
    """Send raw bytes; the server may answer and close before a large body
    is all sent (lighttpd refuses it early), so a failed send still reads
    the answer. Returns (status, headers, body)."""
    with socket.create_connection((site.host, site.port),
                                  timeout=TIMEOUT) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        resp = http.client.HTTPResponse(
            s, method=data.split(b" ", 1)[0].decode("latin-1"))
        resp.begin()
        try:
            body = resp.read()
        except (ConnectionResetError, http.client.IncompleteRead) as e:
            body = getattr(e, "partial", b"")
        return resp.status, resp.msg, body


@pytest.fixture(scope="module")
def victim(site):
    """A logged-in visitor: the hostile requests carry its session cookie,
    so that they reach the session code, and must not touch the session."""
    c = Client(site)
    assert c.login("alice", "alice-password").status_code == 303
    yield c.sid
    c.close()


def deep_json():
    return b"[" * 20000 + b"]" * 20000            # 40 KB, 20000 levels


def huge_json():
    # 55 KB of one object: 2500 keys (under the 64 KiB body limit)
    return ("{" + ",".join(f'"k{i:05d}":"{"x" * 10}"' for i in range(2500))
            + "}").encode()


GET_BODY = 400      # lighttpd: a GET with a body
SQL = "%27%20OR%201%3D1%3B%20DROP%20TABLE%20users%3B--"
HTML = "%3Cscript%3Ealert(1)%3C%2Fscript%3E"

# class -> (how to build the request from (method, path, sid), status)
CLASSES = {
    # 300 headers of 60 bytes: past max-request-field-size (16 KiB)
    "header-flood": (lambda m, p, sid: (m, p, dict(
        {f"X-Flood-{i}": "f" * 60 for i in range(300)},
        Cookie=f"sid={sid}"), None), 431),
    # 700 cookies, ~9 KB: past the 8 KiB Cookie header limit (S-C8)
    "cookie-flood": (lambda m, p, sid: (m, p, {
        "Cookie": f"sid={sid}; " + "; ".join(
            f"c{i}=vvvvvvv" for i in range(700))}, None), 431),
    # 1 MB body: past max-request-size (64 KiB). lighttpd refuses any
    # body on a GET with 400 itself (GET_BODY).
    "body-1mb": (lambda m, p, sid: (m, p, {
        "Cookie": f"sid={sid}", "Content-Type": FORM},
        b"a=" + b"x" * (1024 * 1024)), {"GET": GET_BODY, "POST": 413}),
    # deeper than HTTP_JSON_DEPTH_MAX (16): ERR_TOOBIG, 413
    "json-deep": (lambda m, p, sid: (m, p, {
        "Cookie": f"sid={sid}", "Content-Type": JSON}, deep_json()),
        {"GET": GET_BODY, "POST": 413}),
    # a 55 KB object of 2500 keys no route accepts: 400
    "json-huge": (lambda m, p, sid: (m, p, {
        "Cookie": f"sid={sid}", "Content-Type": JSON}, huge_json()),
        {"GET": GET_BODY, "POST": 400}),
    "utf8-invalid-query": (lambda m, p, sid: (
        m, p + "?x=%C0%AF%FF", {"Cookie": f"sid={sid}"}, None), 400),
    "utf8-invalid-path": (lambda m, p, sid: (
        m, p + "%FF", {"Cookie": f"sid={sid}"}, None), 400),
    "utf8-invalid-form": (lambda m, p, sid: (m, p, {
        "Cookie": f"sid={sid}", "Content-Type": FORM},
        b"x=%C0%AF&y=\xff\xfe"), 400),
    "nul-query": (lambda m, p, sid: (
        m, p + "?x=a%00b", {"Cookie": f"sid={sid}"}, None), 400),
    "nul-path": (lambda m, p, sid: (
        m, p + "%00", {"Cookie": f"sid={sid}"}, None), 400),
    "nul-form": (lambda m, p, sid: (m, p, {
        "Cookie": f"sid={sid}", "Content-Type": FORM}, b"x=a\0b"), 400),
    "sql-query": (lambda m, p, sid: (
        m, p + "?q=" + SQL, {"Cookie": f"sid={sid}"}, None), 400),
    "sql-form": (lambda m, p, sid: (m, p, {
        "Cookie": f"sid={sid}", "Content-Type": FORM},
        ("username=" + SQL + "&id=1%20OR%201%3D1").encode()), 400),
    "html-query": (lambda m, p, sid: (
        m, p + "?" + HTML + "=" + HTML, {"Cookie": f"sid={sid}"}, None),
        400),
    "path-traversal": (lambda m, p, sid: (
        m, p + "/../../../../etc/passwd", {"Cookie": f"sid={sid}"}, None),
        400),
    "path-traversal-encoded": (lambda m, p, sid: (
        m, p + "/%2e%2e/%2e%2e/etc/passwd", {"Cookie": f"sid={sid}"}, None),
        400),
}

# Classes whose body only a POST carries (a GET route reads no body).
POST_ONLY = {"utf8-invalid-form", "nul-form", "sql-form"}


def test_routes_were_collected():
    """Every served program contributes routes, the JSON APIs included."""
    paths = {p for _m, p, _f in ROUTES}
    assert len(ROUTES) >= 40, ROUTES
    for p in ("/session/me", "/cart/add", "/api/me", "/api/auth/login",
              "/signup/details", "/prefs", "/lab/costs"):
        assert p in paths, p
    assert any("ROUTE_JSON" in f for _m, _p, f in ROUTES)


@pytest.mark.parametrize("cls", list(CLASSES))
def test_s_s2_hostile_class_refused_everywhere_db_unchanged(site, victim,
                                                            cls):
    """S-S1/S-S2/S-J2: one request of the class to every route: each gets
    the class's exact 4xx, none echoes a payload unescaped, and the
    database is unchanged over the whole class."""
    make, expects = CLASSES[cls]
    wrong = []
    before = site.dump(normalise_touch=False)
    for method, path, _flags in ROUTES:
        if cls in POST_ONLY and method != "POST":
            continue
        m, target, headers, body = make(method, path, victim)
        expect = expects[m] if isinstance(expects, dict) else expects
        if m == "POST" and body is None:
            body = b""          # lighttpd answers 411 without a length
        status, hdrs, payload = send(
            site, build_request(site, m, target, headers, body))
        if status != expect:
            wrong.append((method, path, status, payload[:200]))
        assert b"<script>alert" not in payload, (method, path)
        assert b"OR 1=1" not in payload, (method, path)
        assert hdrs.get_all("Set-Cookie") is None, (method, path, cls)
    after = site.dump(normalise_touch=False)
    assert not wrong, f"{cls}: expected {expects}: {wrong}"
    assert after == before, f"{cls}: the database changed"


def test_s_s2_site_still_serves_after_the_corpus(site, victim):
    """After the whole corpus, the victim's session still works."""
    c = Client(site)
    c.cookies["sid"] = victim
    st = c.state()
    assert st["authenticated"] is True
    assert st["user"]["username"] == "alice"
    assert site.query("PRAGMA integrity_check") == [("ok",)]
    c.close()


# ---- issue 10: credentials that outlived a revocation -----------------------
BEARER_ROUTES = [("GET", "/api/me", None), ("GET", "/api/notes", None),
                 ("POST", "/api/notes", b'{"text": "into the victim"}'),
                 ("GET", "/api/cart", None),
                 ("POST", "/api/cart/add", b'{"product_id": 1, "qty": 1}'),
                 ("GET", "/api/auth/families", None),
                 ("POST", "/api/auth/families/revoke", b'{"id": 1}'),
                 ("POST", "/api/auth/logout-all", b"{}")]


def stale_token(site, sub, ver):
    """A token genuinely signed with the site's HS256 secret, for an account
    that is gone (sub) or of a token version the account has left (ver)."""
    import time

    import jwt as pyjwt
    import requests

    r = requests.post(site.url("/api/auth/login"), json={
        "username": "bob", "password": "bob-password", "alg": "HS256"},
        headers={"Origin": site.origin}, timeout=TIMEOUT)
    kid = pyjwt.get_unverified_header(r.json()["access_token"])["kid"]
    now = int(time.time())
    claims = {"iss": "urn:web-state:auth", "aud": "urn:web-state:api",
              "sub": str(sub), "exp": now + 300, "nbf": now, "iat": now,
              "jti": f"stale-{sub}-{ver}-{now}", "token_use": "access",
              "name": "Mallory", "role": "user", "ver": ver}
    secret = (site.keys_dir / "jwt_hs256.key").read_bytes()
    return pyjwt.encode(claims, secret, algorithm="HS256",
                        headers={"kid": kid})


def test_issue10_stale_bearer_tokens_refused_on_every_bearer_route(site):
    """Issue 10 §1 and §2 stay covered: a token of an account that no longer
    exists (the reset's reused-id attack) and one of an older token version
    (after a password change or revoke-all) get 401 on every route that
    checks bearer tokens statefully, and nothing is stored."""
    alice, = site.query("SELECT id, token_version FROM users "
                        "WHERE username = 'alice'")
    gone = site.query("SELECT seq FROM sqlite_sequence "
                      "WHERE name = 'users'")[0][0] + 1000
    cases = [(stale_token(site, gone, 0), "no such account"),
             (stale_token(site, alice[0], alice[1] + 7),
              "issued before a revocation")]
    before = site.dump(normalise_touch=False)
    wrong = []
    for tok, reason in cases:
        for method, path, body in BEARER_ROUTES:
            headers = {"Authorization": "Bearer " + tok,
                       "Origin": site.origin}
            if body is not None:
                headers["Content-Type"] = JSON
            status, hdrs, _payload = send(
                site, build_request(site, method, path, headers, body))
            want = (f'Bearer error="invalid_token", '
                    f'error_description="{reason}"')
            if status != 401 or hdrs.get("WWW-Authenticate") != want:
                wrong.append((method, path, reason, status,
                              hdrs.get("WWW-Authenticate")))
    assert not wrong, wrong
    assert site.dump(normalise_touch=False) == before
