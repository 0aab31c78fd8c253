"""S-X1 /compare: three ways of keeping a login side by side.

The cookie-only pane (signed cmp_login / cmp_cart, nothing stored), the
session pane (the real /session/ and /cart endpoints) and the JWT pane (the
real /api/auth/ endpoints and the Bearer cart /api/cart), the JSON the page
reads for its live view and table, tampering, hostile input (4xx, DB
unchanged) and the CSRF / Origin refusals. Related: S-C5, S-S1, S-S5,
S-J2, S-J6."""
import base64
import hashlib
import hmac
import re

import pytest
import requests

from sitectl import HTTP_TIMEOUT, Client, csrf_from, set_cookie_headers

TAG = r"([A-Za-z0-9_-]{43})"
ATTRS = "; Max-Age=1800; Path=/compare; HttpOnly; SameSite=Lax"
LOGIN_RE = re.compile(r"^cmp_login=(cmp\.alice\.user\.(\d+))\." + TAG +
                      re.escape(ATTRS) + "$")
CART_RE = re.compile(r"^cmp_cart=(cmpcart\.alice\.([0-9_-]+))\." + TAG +
                     re.escape(ATTRS) + "$")


def tag(site, payload: str) -> str:
    """The signed-cookie tag (crypto_auth = HMAC-SHA-512-256) for payload."""
    key = (site.keys_dir / "cookie-sign.key").read_bytes()
    mac = hmac.new(key, b"cookie\0" + payload.encode(),
                   hashlib.sha512).digest()[:32]
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def signed(site, payload: str) -> str:
    return payload + "." + tag(site, payload)


def open_page(site):
    """A visitor who opened /compare: a guest session and its token."""
    c = Client(site)
    r = c.get("/compare")
    assert r.status_code == 200, r.text[:500]
    return c, csrf_from(r.text)


def cookie_login(site, c, tok, user="alice", password=None, origin=None):
    return c.post("/compare/cookie/login",
                  data={"username": user,
                        "password": password or f"{user}-password",
                        "csrf": tok},
                  headers={"Origin": origin or site.origin})


def cookie_add(site, c, tok, product="1", qty="2", origin=None):
    return c.post("/compare/cookie/cart/add",
                  data={"product": product, "qty": qty, "csrf": tok},
                  headers={"Origin": origin or site.origin})


def state(c):
    r = c.get("/compare/state")
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    return r.json()


def jwt_token(site, user="alice"):
    r = requests.post(site.url("/api/auth/login"),
                      json={"username": user, "password": f"{user}-password",
                            "alg": "RS256"}, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def api(site, method, path, token=None, **kw):
    h = kw.pop("headers", {})
    if token:
        h["Authorization"] = f"Bearer {token}"
    return requests.request(method, site.url(path), headers=h,
                            timeout=HTTP_TIMEOUT, **kw)


def user_cart(site, username):
    return dict(site.query(
        "SELECT product_id, qty FROM user_carts WHERE user_id = "
        "(SELECT id FROM users WHERE username = ?)", (username,)))


# ---- the page ---------------------------------------------------------------

def test_s_x1_page_has_three_panes_table_and_ids(site):
    """S-X1: the page works without script: three panes with their forms
    (session forms post to the real endpoints), the table with every row,
    the scenario IDs, and the script as a file (CSP: no inline script)."""
    c = Client(site)
    r = c.get("/compare")
    assert r.status_code == 200
    # A guest session for the session pane's CSRF token, as /session/login.
    lines = set_cookie_headers(r)
    assert len(lines) == 1 and re.match(
        r"^sid=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax$", lines[0])
    html = r.text
    for ident in ("S-X1", "S-C5", "S-S1", "S-J2", "S-J6", "S-X3"):
        assert f'<span class="ids">{ident}</span>' in html
    for pane in ("pane-cookie", "pane-session", "pane-jwt"):
        assert f'id="{pane}"' in html
    for action in ("/compare/cookie/login", "/compare/cookie/cart/add",
                   "/compare/cookie/logout", "/session/login", "/cart/add",
                   "/session/logout"):
        assert f'action="{action}"' in html
    assert '<input type="hidden" name="next" value="/compare">' in html
    # The JWT pane needs script: without it its forms cannot submit (the
    # password must never travel in a URL), and a POST to /compare is 405.
    assert '<button type="submit" id="jwt-login-button" disabled>' in html
    assert c.post("/compare", data={"username": "alice"}).status_code == 405
    for row in ("Stored in the browser", "Stored on the server",
                "Bytes sent with each request", "Revocation", "Scale-out",
                "XSS exposure", "CSRF exposure"):
        assert f'<th scope="row">{row}' in html
    assert '<script src="/static/js/compare.js" defer></script>' in html
    assert "<script>" not in html and "style=" not in html
    assert "script-src 'self'" in r.headers["Content-Security-Policy"] or \
        "default-src 'self'" in r.headers["Content-Security-Policy"]
    # One language (issue 14): this client asks for English; only the
    # switch's own "한국어" button is marked Korean.
    assert '<p lang="en">' in html
    assert html.count('lang="ko"') == 1
    assert '<button name="lang" value="ko" lang="ko">한국어</button>' in html
    # The server-side values without script: the session row is there.
    assert 'id="session-server">sessions row: created' in html


def test_s_x1_page_in_korean(site):
    """S-X1: the page language follows Accept-Language; both languages are
    on the page either way."""
    r = Client(site, accept_language="ko").get("/compare")
    assert r.status_code == 200
    assert "<h1>쿠키만, 서버 세션, JWT 나란히 보기</h1>" in r.text
    assert '<th scope="row">만료 전에 끝내기</th>' in r.text


def test_s_x1_home_links_to_compare(site):
    r = Client(site).get("/")
    assert r.status_code == 200
    assert 'href="/compare"' in r.text


# ---- the cookie-only pane ------------------------------------------------

def test_s_x1_cookie_login_sets_exact_signed_cookie_and_stores_nothing(site):
    """S-X1/S-C5: the login cookie carries user, role and expiry, signed
    with the cookie key; the login stores no row anywhere."""
    c, tok = open_page(site)
    before = site.dump(normalise_touch=True)
    r = cookie_login(site, c, tok)
    assert r.status_code == 303 and r.headers["Location"] == "/compare"
    lines = set_cookie_headers(r)
    assert len(lines) == 1
    m = LOGIN_RE.match(lines[0])
    assert m, lines[0]
    assert m.group(3) == tag(site, m.group(1))
    after = site.dump(normalise_touch=True)
    assert after == before
    me = c.get("/compare/cookie/me")
    assert me.status_code == 200
    body = me.json()
    assert body["authenticated"] is True and body["status"] == "ok"
    assert (body["user"], body["role"]) == ("alice", "user")
    assert body["exp"] == int(m.group(2))


def test_s_x1_cookie_login_admin_role_comes_from_users_table(site):
    c, tok = open_page(site)
    r = cookie_login(site, c, tok, user="admin")
    assert r.status_code == 303
    assert set_cookie_headers(r)[0].startswith("cmp_login=cmp.admin.admin.")
    assert c.get("/compare/cookie/me").json()["role"] == "admin"


def test_s_x1_cookie_login_wrong_password_401_malformed_400(site):
    c, tok = open_page(site)
    r = cookie_login(site, c, tok, user="nobody_cmp", password="wrong")
    assert r.status_code == 401
    assert set_cookie_headers(r) == []
    r = cookie_login(site, c, tok, user="Bad User!")
    assert r.status_code == 400
    assert set_cookie_headers(r) == []
    r = c.post("/compare/cookie/login",
               data={"username": "alice", "password": "x" * 1025,
                     "csrf": tok}, headers={"Origin": site.origin})
    assert r.status_code == 400


def test_s_x1_cookie_me_without_cookie_is_401(site):
    r = Client(site).get("/compare/cookie/me")
    assert r.status_code == 401
    assert r.json()["status"] == "missing"
    assert r.json()["authenticated"] is False


@pytest.mark.parametrize("make, why", [
    # the role edited, the tag kept
    (lambda s, v: v.replace(".alice.user.", ".alice.admin."), "bad_tag"),
    # the expiry pushed forward, the tag kept
    (lambda s, v: v.replace("cmp.alice.user.1", "cmp.alice.user.9"),
     "bad_tag"),
    # the tag cut
    (lambda s, v: v[:-1], "malformed"),
    # a correctly signed S-C5 pair is not a compare login
    (lambda s, v: signed(s, "alice.admin"), "malformed"),
    # a correctly signed login whose signed expiry has passed
    (lambda s, v: signed(s, "cmp.alice.admin.1000"), "expired"),
    # a correctly signed cart is not a login
    (lambda s, v: signed(s, "cmpcart.alice.1-1"), "malformed"),
])
def test_s_x1_cookie_tampering_refused(site, make, why):
    """S-X1/S-C5: any edit of the signed login is refused with its reason,
    and so is a signed value of the wrong kind or past its signed exp."""
    c, tok = open_page(site)
    cookie_login(site, c, tok)
    c.cookies["cmp_login"] = make(site, c.cookies["cmp_login"])
    r = c.get("/compare/cookie/me")
    assert r.status_code == 401
    assert r.json()["status"] == why
    r = cookie_add(site, c, tok)
    assert r.status_code == 401
    assert set_cookie_headers(r) == []


def test_s_x1_cookie_cart_exact_cookies_and_rules(site):
    """S-X1: the cart travels whole in a signed cookie bound to the user;
    the same rules as the session cart (1..99, unknown product 404)."""
    c, tok = open_page(site)
    cookie_login(site, c, tok)
    before = site.dump(normalise_touch=True)
    r = cookie_add(site, c, tok, "1", "2")
    assert r.status_code == 303 and r.headers["Location"] == "/compare"
    m = CART_RE.match(set_cookie_headers(r)[0])
    assert m and m.group(2) == "1-2" and m.group(3) == tag(site, m.group(1))
    r = cookie_add(site, c, tok, "1", "1")
    m = CART_RE.match(set_cookie_headers(r)[0])
    assert m and m.group(2) == "1-3"
    r = cookie_add(site, c, tok, "7", "99")
    m = CART_RE.match(set_cookie_headers(r)[0])
    assert m and m.group(2) == "1-3_7-99"
    assert site.dump(normalise_touch=True) == before   # nothing stored
    s = state(c)["cookie"]
    assert [(i["product_id"], i["qty"]) for i in s["cart"]] == [(1, 3),
                                                                 (7, 99)]
    assert s["cart_status"] == "ok"
    # Refusals change nothing and send no cookie.
    for product, qty, status in (("7", "1", 400),       # past 99
                                 ("999", "1", 404),     # unknown product
                                 ("1", "0", 400), ("1", "100", 400),
                                 ("1", "01", 400), ("0", "1", 400),
                                 ("x", "1", 400), ("1", "-1", 400)):
        r = cookie_add(site, c, tok, product, qty)
        assert r.status_code == status, (product, qty)
        assert set_cookie_headers(r) == []
    assert c.cookies["cmp_cart"].startswith("cmpcart.alice.1-3_7-99.")


def test_s_x1_cookie_cart_tampered_or_other_users_refused(site):
    c, tok = open_page(site)
    cookie_login(site, c, tok)
    cookie_add(site, c, tok, "2", "1")
    good = c.cookies["cmp_cart"]
    c.cookies["cmp_cart"] = good.replace(".2-1.", ".2-9.")
    r = cookie_add(site, c, tok, "2", "1")
    assert r.status_code == 400 and set_cookie_headers(r) == []
    assert "edited" in r.text
    # bob's genuine cart is not alice's
    c.cookies["cmp_cart"] = signed(site, "cmpcart.bob.2-5")
    r = cookie_add(site, c, tok, "2", "1")
    assert r.status_code == 400 and set_cookie_headers(r) == []
    assert state(c)["cookie"]["cart_status"] == "other_user"
    assert state(c)["cookie"]["cart"] == []


def test_s_x1_cookie_login_drops_a_previous_cart(site):
    """A cart cookie is only for the user it was signed for: a login as
    someone else expires it; logging in again as its own user keeps it."""
    c, tok = open_page(site)
    cookie_login(site, c, tok)
    cookie_add(site, c, tok, "3", "1")
    cart = c.cookies["cmp_cart"]
    r = cookie_login(site, c, tok)
    assert r.status_code == 303
    assert [h.split("=")[0] for h in set_cookie_headers(r)] == ["cmp_login"]
    assert c.cookies["cmp_cart"] == cart
    r = cookie_login(site, c, tok, user="bob")
    lines = set_cookie_headers(r)
    assert lines[1] == "cmp_cart=; Max-Age=0" + ATTRS.replace(
        "; Max-Age=1800", "")
    assert "cmp_cart" not in c.cookies


def test_s_x1_cookie_logout_expires_both_exactly(site):
    c, tok = open_page(site)
    cookie_login(site, c, tok)
    cookie_add(site, c, tok)
    r = c.post("/compare/cookie/logout", data={"csrf": tok},
               headers={"Origin": site.origin})
    assert r.status_code == 303 and r.headers["Location"] == "/compare"
    assert set_cookie_headers(r) == [
        "cmp_login=; Max-Age=0; Path=/compare; HttpOnly; SameSite=Lax",
        "cmp_cart=; Max-Age=0; Path=/compare; HttpOnly; SameSite=Lax"]
    assert c.get("/compare/cookie/me").status_code == 401


def test_s_x1_cookie_pane_origin_and_token_checks(site):
    """S-X1: the cookie-only pane's POSTs use the visitor-form guard: a
    foreign Origin, no Origin/Referer at all, or (with a session) a missing
    or wrong token is 403; without a session the Origin check alone."""
    c, tok = open_page(site)
    before = site.dump(normalise_touch=True)
    foreign = "http://localhost:%d" % site.other_port
    r = cookie_login(site, c, tok, origin=foreign)
    assert r.status_code == 403 and set_cookie_headers(r) == []
    r = c.post("/compare/cookie/login",
               data={"username": "alice", "password": "alice-password",
                     "csrf": tok})
    assert r.status_code == 403
    r = cookie_login(site, c, "A" * 43)
    assert r.status_code == 403
    r = c.post("/compare/cookie/login",
               data={"username": "alice", "password": "alice-password"},
               headers={"Origin": site.origin})
    assert r.status_code == 403
    assert site.dump(normalise_touch=True) == before
    # No session at all: the Origin check is the guard.
    bare = Client(site)
    r = bare.post("/compare/cookie/login",
                  data={"username": "alice", "password": "alice-password"},
                  headers={"Origin": site.origin})
    assert r.status_code == 303 and "sid" not in bare.cookies
    r = bare.post("/compare/cookie/cart/add", data={"product": "1",
                                                    "qty": "1"},
                  headers={"Origin": foreign})
    assert r.status_code == 403


def test_s_x1_cookie_pane_hostile_fields_400(site):
    c, tok = open_page(site)
    cookie_login(site, c, tok)
    before = site.dump(normalise_touch=True)
    h = {"Origin": site.origin}
    for body in ("product=1&qty=1&csrf=%s&evil=1" % tok,
                 "product=1&product=2&qty=1&csrf=%s" % tok,
                 "product=1&qty=1%%00&csrf=%s" % tok):
        r = c.post("/compare/cookie/cart/add", data=body, headers=dict(
            h, **{"Content-Type": "application/x-www-form-urlencoded"}))
        assert r.status_code == 400, body
        assert set_cookie_headers(r) == []
    r = c.post("/compare/cookie/cart/add", json={"product": 1, "qty": 1},
               headers=h)
    assert r.status_code in (400, 415)
    assert site.dump(normalise_touch=True) == before


# ---- the session pane ------------------------------------------------------

def test_s_x1_session_pane_uses_real_endpoints(site):
    """S-X1/S-S1/S-S5: login through /session/login back to /compare, the
    cart through /cart/add, logout through /session/logout; the state JSON
    shows the row, the user and the stored cart."""
    c, tok = open_page(site)
    s = state(c)
    assert s["session"]["authenticated"] is False
    assert s["session"]["row"]["data_bytes"] >= 2
    assert s["session"]["cookie"] == {
        "name": "sid", "bytes": 47,
        "attributes": "Path=/; HttpOnly; SameSite=Lax"}
    r = c.post("/session/login", data={"username": "bob",
                                       "password": "bob-password",
                                       "next": "/compare", "csrf": tok})
    assert r.status_code == 303 and r.headers["Location"] == "/compare"
    s = state(c)
    assert s["session"]["authenticated"] is True
    assert s["session"]["user"] == {"username": "bob", "role": "user"}
    assert s["session"]["cart_kept_in"] == "user_carts"
    tok = s["csrf"]
    assert tok == csrf_from(c.get("/compare").text)   # rotated with the ID
    was = user_cart(site, "bob").get(4, 0)
    if was >= 99:
        pytest.skip("bob's stored cart is full of product 4")
    r = c.post("/cart/add", data={"product": "4", "qty": "1", "csrf": tok})
    assert r.status_code == 303
    assert user_cart(site, "bob")[4] == was + 1
    lines = {i["product_id"]: i["qty"] for i in state(c)["session"]["cart"]}
    assert lines[4] == was + 1
    sid = c.sid
    r = c.post("/session/logout", data={"csrf": tok})
    assert r.status_code == 200
    assert site.session_row(sid) is None
    s = state(c)
    assert s["session"]["row"] is None and s["session"]["cookie"] is None
    assert s["csrf"] == ""


# ---- the JWT pane ------------------------------------------------------------

def test_s_x1_api_cart_needs_a_bearer_token(site):
    r = api(site, "GET", "/api/cart")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="web-state"'
    r = api(site, "POST", "/api/cart/add", json={"product_id": 1, "qty": 1})
    assert r.status_code == 401
    r = api(site, "GET", "/api/cart", token="not.a.token")
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]


def test_s_x1_api_cart_adds_to_the_stored_cart(site):
    """S-X1/S-J2: POST /api/cart/add stores into user_carts, the table the
    session cart merges into; GET /api/cart and the session pane read it."""
    tok = jwt_token(site, "alice")
    was = user_cart(site, "alice").get(5, 0)
    if was >= 99:
        pytest.skip("alice's stored cart is full of product 5")
    r = api(site, "POST", "/api/cart/add", tok,
            json={"product_id": 5, "qty": 1})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["sub"] and body["kept_in"] == "user_carts"
    items = {i["product_id"]: i["qty"] for i in body["items"]}
    assert items[5] == was + 1
    assert user_cart(site, "alice")[5] == was + 1
    r = api(site, "GET", "/api/cart", tok)
    assert r.status_code == 200
    assert {i["product_id"]: i["qty"] for i in r.json()["items"]} == \
        user_cart(site, "alice")
    # The same rows through the session pane.
    c, ctok = open_page(site)
    c.post("/session/login", data={"username": "alice",
                                   "password": "alice-password",
                                   "next": "/compare", "csrf": ctok})
    assert {i["product_id"]: i["qty"] for i in
            state(c)["session"]["cart"]} == user_cart(site, "alice")


def test_s_x1_api_cart_past_99_is_400_and_changes_nothing(site):
    tok = jwt_token(site, "bob")
    have = user_cart(site, "bob").get(11, 0)
    if have < 99:
        r = api(site, "POST", "/api/cart/add", tok,
                json={"product_id": 11, "qty": 99 - have})
        assert r.status_code == 200
    before = site.dump(normalise_touch=True)
    r = api(site, "POST", "/api/cart/add", tok,
            json={"product_id": 11, "qty": 1})
    assert r.status_code == 400
    assert r.json()["error"]
    assert site.dump(normalise_touch=True) == before


@pytest.mark.parametrize("body, status", [
    ({"product_id": 999, "qty": 1}, 404),
    ({"product_id": 1, "qty": 0}, 400),
    ({"product_id": 1, "qty": 100}, 400),
    ({"product_id": 1, "qty": -1}, 400),
    ({"product_id": 0, "qty": 1}, 400),
    ({"product_id": 1, "qty": "1"}, 400),
    ({"product_id": "1", "qty": 1}, 400),
    ({"product_id": 1.0, "qty": 1}, 400),
    ({"product_id": 1}, 400),
    ({"product_id": 1, "qty": 1, "user_id": 2}, 400),
    ({"product_id": 10 ** 12, "qty": 1}, 400),
    ({"product_id": None, "qty": True}, 400),
])
def test_s_x1_api_cart_hostile_body_refused_db_unchanged(site, body, status):
    tok = jwt_token(site, "alice")
    before = site.dump(normalise_touch=True)
    r = api(site, "POST", "/api/cart/add", tok, json=body)
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert site.dump(normalise_touch=True) == before


def test_s_x1_api_cart_non_json_body_refused(site):
    tok = jwt_token(site, "alice")
    before = site.dump(normalise_touch=True)
    for data, ctype in (("product_id=1&qty=1",
                         "application/x-www-form-urlencoded"),
                        ('{"product_id": 1, "qty": 1', "application/json"),
                        ('{"product_id": 1, "product_id": 2, "qty": 1}',
                         "application/json")):
        r = api(site, "POST", "/api/cart/add", tok, data=data,
                headers={"Content-Type": ctype})
        assert 400 <= r.status_code < 500, data
    assert site.dump(normalise_touch=True) == before


def test_s_x1_api_cart_cross_origin_with_cookies_is_403(site):
    """S-X1: a Bearer API that receives cookies checks Origin
    (bearer_origin_ok), so a page elsewhere cannot ride the browser."""
    tok = jwt_token(site, "alice")
    before = site.dump(normalise_touch=True)
    r = api(site, "POST", "/api/cart/add", tok,
            json={"product_id": 1, "qty": 1},
            headers={"Origin": "http://localhost:%d" % site.other_port,
                     "Cookie": "sid=x"})
    assert r.status_code == 403
    assert site.dump(normalise_touch=True) == before


def test_s_x1_api_cart_logged_out_token_is_revoked(site):
    """S-X1/S-J6: after logout the access token is blacklisted, so the cart
    API (which reads the blacklist) refuses it at once."""
    r = requests.post(site.url("/api/auth/login"),
                      json={"username": "bob", "password": "bob-password",
                            "alg": "HS256"}, timeout=HTTP_TIMEOUT)
    tok = r.json()["access_token"]
    assert api(site, "GET", "/api/cart", tok).status_code == 200
    r = api(site, "POST", "/api/auth/logout", tok, json={},
            headers={"Cookie": "refresh_token=" + r.cookies["refresh_token"]})
    assert r.status_code == 200
    r = api(site, "GET", "/api/cart", tok)
    assert r.status_code == 401
    assert 'error_description="revoked"' in r.headers["WWW-Authenticate"]


# ---- the JSON the page reads ----------------------------------------------

def test_s_x1_state_json_measures_sizes(site):
    """S-X1: the table's sizes come from what the browser actually sent."""
    c, tok = open_page(site)
    cookie_login(site, c, tok)
    cookie_add(site, c, tok, "6", "2")
    s = state(c)
    login, cart = c.cookies["cmp_login"], c.cookies["cmp_cart"]
    ck = s["cookie"]
    assert ck["server"] is None
    assert ck["login"]["status"] == "ok" and ck["login"]["user"] == "alice"
    # HttpOnly values never reach script: the payload is shown, the tag
    # (what makes the value a credential) only by its size.
    assert ck["browser"] == [
        {"name": "cmp_login", "bytes": len("cmp_login=" + login),
         "payload": login.rsplit(".", 1)[0], "tag_bytes": 43,
         "attributes": "Max-Age=1800; Path=/compare; HttpOnly; SameSite=Lax"},
        {"name": "cmp_cart", "bytes": len("cmp_cart=" + cart),
         "payload": cart.rsplit(".", 1)[0], "tag_bytes": 43,
         "attributes": "Max-Age=1800; Path=/compare; HttpOnly; SameSite=Lax"}]
    body = c.get("/compare/state").text
    assert login not in body and cart not in body
    assert ck["bytes"] == len(f"cmp_login={login}; cmp_cart={cart}")
    assert s["cookie_header_bytes"] == len(c.cookie_header())
    assert {p["name"]: p["bytes"] for p in s["cookies_received"]} == {
        k: len(k) + 1 + len(v) for k, v in c.cookies.items()}
    assert s["session"]["cookie"]["bytes"] == 47
    # The refresh cookie never reaches /compare (Path=/api/auth), so the
    # state says where to ask instead of claiming a size (issue 15 §2).
    assert s["jwt"] == {"refresh_cookie_path": "/api/auth",
                        "refresh_cookie_sent_here": False,
                        "refresh_cookie_probe": "/api/auth/cookie",
                        "server": "/api/auth/families"}
    assert s["csrf"] == tok
    # The page shows the same measured numbers without script.
    html = c.get("/compare").text
    assert f'id="t-cookie-bytes">{ck["bytes"]}</td>' in html
    assert 'id="t-session-bytes">47</td>' in html


def test_s_x1_state_without_anything(site):
    r = Client(site).get("/compare/state")
    assert r.status_code == 200
    s = r.json()
    # No session: no cart is kept anywhere (issue 15 §2).
    assert s["session"] == {"authenticated": False, "user": None,
                            "cookie": None, "row": None,
                            "cart_kept_in": None, "cart": []}
    assert s["cookie"]["bytes"] == 0 and s["cookie"]["browser"] == []
    assert s["cookie"]["login"]["status"] == "missing"
    assert s["csrf"] == "" and s["cookie_header_bytes"] == 0


# ---- each pane describes only what exists now (issue 15 §2) -------------

def jwt_browser_p(html):
    m = re.search(r'<p id="jwt-browser"[^>]*>(.*?)</p>', html, re.S)
    assert m, html[:300]
    return m.group(1)


def test_s_x1_fresh_page_claims_no_refresh_cookie(site):
    """S-X1/S-J4: a brand-new browser has no refresh cookie, and /compare
    never receives one (Path=/api/auth): the served JWT pane must not
    state a refresh_token of 57 bytes; it says the server building the
    page cannot see it, and where the script asks."""
    for lang, unknown in (
            ("en", "The refresh_token cookie travels only with requests to "
                   "/api/auth, so the server that built this page cannot "
                   "tell whether there is one. With script on, the page "
                   "asks /api/auth/cookie and shows the answer here."),
            ("ko", "refresh_token 쿠키는 /api/auth로 가는 요청에만 "
                   "실리므로, 이 페이지를 만든 서버는 그 쿠키가 있는지 알 수 "
                   "없습니다. 스크립트가 켜져 있으면 /api/auth/cookie에 "
                   "물어본 답을 여기에 보여 줍니다.")):
        html = Client(site, accept_language=lang).get("/compare").text
        p = jwt_browser_p(html)
        assert p == unknown
        assert "57" not in p and "bytes" not in p and "바이트" not in p


def test_s_x1_cookie_pane_lists_only_the_cookies_it_has(site):
    """S-X1/S-C5: the cookie pane's "what the browser holds" names the
    cookies the browser sent, not both names at 0 bytes."""
    c, tok = open_page(site)
    html = c.get("/compare").text
    assert '<p id="cookie-browser">no cookies</p>' in html
    cookie_login(site, c, tok)
    login = c.cookies["cmp_login"]
    html = c.get("/compare").text
    n = len("cmp_login=" + login)
    assert (f'<p id="cookie-browser">cmp_login: <strong>{n}</strong> '
            f'bytes<br><code>') in html
    cookie_add(site, c, tok, "6", "1")
    html = c.get("/compare").text
    assert '<p id="cookie-browser">cmp_login, cmp_cart: <strong>' in html


def test_s_x1_session_cart_heading_follows_the_login(site):
    """S-X1/S-S5: a guest's cart heading says the session data; once
    logged in, the account's user_carts table (where /cart/add now
    writes)."""
    c, tok = open_page(site)
    guest = '<small id="session-kept-in">(the session data)</small>'
    user = ('<small id="session-kept-in">(the account&#39;s user_carts '
            'table)</small>')
    html = c.get("/compare").text
    assert guest in html and user not in html
    r = c.post("/session/login", data={"username": "bob",
                                       "password": "bob-password",
                                       "next": "/compare", "csrf": tok})
    assert r.status_code == 303
    html = c.get("/compare").text
    assert user in html and guest not in html
    ko = c.get("/compare", headers={"Accept-Language": "ko"}).text
    assert '<small id="session-kept-in">(계정의 user_carts 표)</small>' in ko


def test_s_x1_refresh_cookie_probe(site):
    """S-X1/S-J4: GET /api/auth/cookie says whether the refresh cookie came
    and its size in the Cookie header, never its value, and spends
    nothing (the refresh tables are unchanged)."""
    r = requests.get(site.url("/api/auth/cookie"), timeout=HTTP_TIMEOUT)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.json() == {"present": False, "bytes": 0, "path": "/api/auth"}
    login = requests.post(site.url("/api/auth/login"), json={
        "username": "alice", "password": "alice-password", "alg": "RS256"},
        timeout=HTTP_TIMEOUT)
    assert login.status_code == 200
    value = login.cookies["refresh_token"]
    before = site.dump(normalise_touch=True)
    r = requests.get(site.url("/api/auth/cookie"), timeout=HTTP_TIMEOUT,
                     headers={"Cookie": "refresh_token=" + value})
    assert r.status_code == 200
    assert r.json() == {"present": True, "bytes": 57, "path": "/api/auth"}
    assert value not in r.text
    assert site.dump(normalise_touch=True) == before
    # Any value counts as present: the probe reports the cookie, not
    # whether its family is live (the families list says that).
    r = requests.get(site.url("/api/auth/cookie"), timeout=HTTP_TIMEOUT,
                     headers={"Cookie": "refresh_token=x"})
    assert r.json() == {"present": True, "bytes": 15, "path": "/api/auth"}


def test_s_x1_refresh_cookie_probe_refuses_other_origins_query_post(site):
    r = requests.get(site.url("/api/auth/cookie"), timeout=HTTP_TIMEOUT,
                     headers={"Cookie": "refresh_token=x",
                              "Origin": "http://localhost:%d" %
                              site.other_port})
    assert r.status_code == 403
    assert requests.get(site.url("/api/auth/cookie?x=1"),
                        timeout=HTTP_TIMEOUT).status_code == 400
    assert requests.post(site.url("/api/auth/cookie"), json={},
                         timeout=HTTP_TIMEOUT).status_code == 405


def test_s_x1_state_refuses_query_and_post(site):
    c = Client(site)
    assert c.get("/compare/state?x=1").status_code == 400
    assert c.post("/compare/state", data={}).status_code == 405
    assert c.get("/compare/nothing").status_code == 404
