"""Refresh tokens, rotation, reuse detection, pair binding and revocation.

S-J4 access + refresh (the cookie, silent refresh), S-J5 rotation, reuse
detection, concurrent refresh, pair binding, S-J6 logout, the blacklist
against the stateless endpoint, log out everywhere, revoking one device.
"""
import base64
import hashlib
import json
import re
import threading
import time

import jwt as pyjwt
import pytest
import requests

import sitectl
from sitectl import HTTP_TIMEOUT, JSON_TYPE, set_cookie_headers

STORES = sitectl.STORES     # on SQLite and on Redis (issue 12)

COOKIE_RE = re.compile(
    r"^refresh_token=([A-Za-z0-9_-]{43}); Max-Age=1209600; Path=/api/auth; "
    r"HttpOnly; SameSite=Strict$")
ANY_AGE_RE = re.compile(
    r"^refresh_token=([A-Za-z0-9_-]{43}); Max-Age=\d+; Path=/api/auth; "
    r"HttpOnly; SameSite=Strict$")
EXPIRE = "refresh_token=; Max-Age=0; Path=/api/auth; HttpOnly; SameSite=Strict"


def unb64u(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def payload_of(tok):
    return json.loads(unb64u(tok.split(".")[1]))


def header_of(tok):
    return json.loads(unb64u(tok.split(".")[0]))


def refresh_hash(tok):
    return hashlib.blake2b(tok.encode(), digest_size=32).digest()


class Device:
    """One browser on the token page: the access token in memory, the
    refresh cookie as the browser would keep it."""

    def __init__(self, site):
        self.site = site
        self.access = None
        self.refresh_token = None
        self.http = requests.Session()

    def _store(self, r):
        lines = set_cookie_headers(r)
        for line in lines:
            if line == EXPIRE:
                self.refresh_token = None
            else:
                m = ANY_AGE_RE.match(line)
                assert m, line
                self.refresh_token = m.group(1)
        if r.status_code == 200 and "access_token" in r.json():
            self.access = r.json()["access_token"]
        return r

    def post(self, path, body=None, bearer=None, cookie=True, headers=None):
        h = {"Origin": self.site.origin}
        if cookie and self.refresh_token:
            h["Cookie"] = f"refresh_token={self.refresh_token}"
        if bearer:
            h["Authorization"] = f"Bearer {bearer}"
        h.update(headers or {})
        r = self.http.post(self.site.url(path), json=body or {}, headers=h,
                           timeout=HTTP_TIMEOUT)
        self.http.cookies.clear()
        return r

    def login(self, username="alice", alg="RS256", bind=None):
        body = {"username": username, "password": f"{username}-password",
                "alg": alg}
        if bind is not None:
            body["bind"] = bind
        r = self._store(self.post("/api/auth/login", body))
        assert r.status_code == 200, r.text
        return r

    def refresh(self, body=None, **kw):
        return self._store(self.post("/api/auth/refresh", body, **kw))

    def get(self, path, token=None):
        return requests.get(self.site.url(path), headers={
            "Authorization": f"Bearer {token or self.access}"},
            timeout=HTTP_TIMEOUT)


@pytest.fixture
def device(site):
    return Device(site)


def family_of(site, tok):
    row = site.refresh_token(tok)
    assert row
    return row["family_id"], row["used_at"]


def family_row(site, fid):
    return site.family(fid)


def events(site, fid):
    return site.token_events(fid)


# ---- S-J4: the cookie ---------------------------------------------------------
def test_s_j4_login_sets_exact_refresh_cookie_stored_hashed(site, device):
    """S-J4: the refresh token is 256 random bits in exactly
    `refresh_token=...; Max-Age=1209600; Path=/api/auth; HttpOnly;
    SameSite=Strict`, and only its BLAKE2b-256 hash is stored."""
    r = device.login()
    lines = set_cookie_headers(r)
    assert len(lines) == 1 and COOKIE_RE.match(lines[0]), lines
    tok = device.refresh_token
    assert len(base64.urlsafe_b64decode(tok + "=")) == 32
    fid, used = family_of(site, tok)
    assert used is None
    dump = json.dumps(site.dump(), default=repr)
    assert tok not in dump
    fam = family_row(site, fid)
    assert fam["alg"] == "RS256" and fam["bound"] == 0
    assert fam["access_jti"] == payload_of(device.access)["jti"]
    assert events(site, fid) == ["login"]


def test_s_j4_refresh_returns_new_pair_and_rotates(site, device):
    """S-J4, S-J5: refresh answers a new access token and a new refresh
    cookie; the old refresh token is spent, in the same family."""
    device.login(alg="HS256")
    old_access, old_refresh = device.access, device.refresh_token
    r = device.refresh()
    assert r.status_code == 200 and r.headers["Content-Type"] == JSON_TYPE
    assert set(r.json()) == {"access_token", "token_type", "expires_in"}
    assert device.refresh_token != old_refresh
    assert device.access != old_access
    assert header_of(device.access)["alg"] == "HS256"
    assert payload_of(device.access)["jti"] != payload_of(old_access)["jti"]
    f_old, used = family_of(site, old_refresh)
    f_new, used_new = family_of(site, device.refresh_token)
    assert f_old == f_new and used is not None and used_new is None
    assert device.get("/api/me").status_code == 200
    assert events(site, f_new) == ["login", "refresh"]


def test_s_j4_refresh_needs_cookie_and_same_origin(site, device):
    """S-J4: no cookie: 401; a foreign Origin: 403; no Origin and no JSON
    content type (a cross-site form): refused; nothing spent."""
    r = device.post("/api/auth/refresh")
    assert r.status_code == 401
    device.login()
    tok = device.refresh_token
    r = device.post("/api/auth/refresh",
                    headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and "Set-Cookie" not in r.headers
    r = requests.post(device.site.url("/api/auth/refresh"),
                      data="access_token=x",
                      headers={"Cookie": f"refresh_token={tok}",
                               "Content-Type":
                               "application/x-www-form-urlencoded"},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 400 and "Set-Cookie" not in r.headers
    r = requests.post(device.site.url("/api/auth/refresh"), data="{}",
                      headers={"Cookie": f"refresh_token={tok}",
                               "Content-Type": "text/plain"},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 400
    assert family_of(site, tok)[1] is None
    # Without Origin, the JSON content type is the custom-header defence.
    r = requests.post(device.site.url("/api/auth/refresh"), json={},
                      headers={"Cookie": f"refresh_token={tok}"},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 200


@pytest.mark.parametrize("value", ["x", "A" * 43, "A" * 44, "'; DROP--"])
def test_s_j4_unknown_refresh_token_401(site, device, value):
    """S-J4: a refresh token the server never issued: 401 invalid_grant,
    and the cookie is expired."""
    r = requests.post(site.url("/api/auth/refresh"), json={},
                      headers={"Cookie": f"refresh_token={value}"},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_grant"
    assert r.json()["error_description"] == "unknown"
    assert set_cookie_headers(r) == [EXPIRE]


@pytest.fixture(scope="module")
def short_site(store):
    """Refresh tokens that live 1 s, access tokens 120 s."""
    with sitectl.private_site(f"jwt-short-{store}", store=store, extra_env={
            "REFRESH_TOKEN_SECONDS": "1", "ACCESS_TOKEN_SECONDS": "120"}) as s:
        yield s


def test_s_j4_expired_refresh_token_refused(short_site):
    """S-J4: refresh expiry means logging in again."""
    d = Device(short_site)
    d.login()
    row = short_site.refresh_token(d.refresh_token)
    created, expires = row["created"], row["expires"]
    assert expires - created == 1               # REFRESH_TOKEN_SECONDS
    sitectl.wait_until(expires)                 # the deadline, no later
    r = d.refresh()
    assert r.status_code == 401
    assert r.json()["error_description"] == "expired"


def test_s_j4_access_ttl_from_environment(short_site):
    """S-J4: ACCESS_TOKEN_SECONDS and CLASSROOM=1 set the lifetime."""
    d = Device(short_site)
    r = d.login()
    assert r.json()["expires_in"] == 120
    p = payload_of(d.access)
    assert p["exp"] - p["iat"] == 120
    with sitectl.private_site("jwt-ttl", extra_env={"CLASSROOM": "1"}) as s:
        d = Device(s)
        r = d.login()
        assert r.json()["expires_in"] == 60
        p = payload_of(d.access)
        assert p["exp"] - p["iat"] == 60


# ---- S-J5: reuse detection ----------------------------------------------------
def test_s_j5_replaying_a_spent_token_revokes_the_family(site, device):
    """S-J5: the old refresh token presented again: 401 "reused", the
    whole family is revoked (the new token dies too), the event is
    recorded, and the family's last access token is blacklisted."""
    device.login()
    stolen = device.refresh_token
    assert device.refresh().status_code == 200
    good = device.refresh_token
    access = device.access
    fid = family_of(site, good)[0]
    r = requests.post(site.url("/api/auth/refresh"), json={},
                      headers={"Cookie": f"refresh_token={stolen}"},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 401
    assert r.json() == {"error": "invalid_grant",
                        "error_description": "reused",
                        "family_revoked": True, "family": fid}
    assert set_cookie_headers(r) == [EXPIRE]
    fam = family_row(site, fid)
    assert fam["revoked_at"] is not None and fam["revoked_reason"] == "reuse"
    assert events(site, fid) == ["login", "refresh", "reuse"]
    # The genuine device's current token is dead too.
    r = device.refresh()
    assert r.status_code == 401
    assert r.json()["error_description"] == "revoked"
    # Its access token is blacklisted: /api/me refuses, stateless not.
    r = device.get("/api/me", access)
    assert r.status_code == 401
    assert 'error_description="revoked"' in r.headers["WWW-Authenticate"]
    assert device.get("/api/me/stateless", access).status_code == 200


def test_s_j5_concurrent_refresh_exactly_one_succeeds(site, device):
    """S-J5: eight simultaneous refreshes with one token: exactly one 200;
    the rest are replays."""
    device.login()
    tok = device.refresh_token
    barrier = threading.Barrier(8)
    results = []

    def go():
        barrier.wait()
        r = requests.post(site.url("/api/auth/refresh"), json={},
                          headers={"Cookie": f"refresh_token={tok}",
                                   "Origin": site.origin},
                          timeout=HTTP_TIMEOUT)
        results.append((r.status_code, r.json().get("error_description")))

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(s for s, _ in results) == [200] + [401] * 7, results
    assert {d for s, d in results if s == 401} <= {"reused", "revoked"}
    fid = family_of(site, tok)[0]
    assert site.refresh_tokens_of(fid) == 2


# ---- S-J5: pair binding -----------------------------------------------------------
def test_s_j5_pair_binding_requires_the_last_access_token(site, device):
    """S-J5 (001 §5-3): a bound family refreshes only with its last access
    token; with it, rotation proceeds and the pair moves on."""
    device.login(bind=True)
    fid = family_of(site, device.refresh_token)[0]
    assert family_row(site, fid)["bound"] == 1
    r = device.refresh({"access_token": device.access})
    assert r.status_code == 200
    r = device.refresh({"access_token": device.access})
    assert r.status_code == 200
    assert events(site, fid) == ["login", "refresh", "refresh"]


@pytest.mark.parametrize("case", ["missing", "other", "old", "forged"])
def test_s_j5_pair_mismatch_revokes_the_family(site, device, case):
    """S-J5: a bound family's refresh without its access token, with
    another user's, with the previous one, or with a forged one, is theft:
    401 "pair mismatch" and the family is revoked."""
    other = Device(site)
    other.login("bob")
    device.login(bind=True)
    first = device.access
    if case == "old":
        assert device.refresh({"access_token": first}).status_code == 200
    body = {"missing": {}, "other": {"access_token": other.access},
            "old": {"access_token": first},
            "forged": {"access_token": first[:-4] + "AAAA"}}[case]
    fid = family_of(site, device.refresh_token)[0]
    r = device.refresh(body)
    assert r.status_code == 401
    assert r.json()["error_description"] == "pair mismatch"
    assert r.json()["family_revoked"] is True
    assert family_row(site, fid)["revoked_reason"] == "pair_mismatch"
    assert events(site, fid)[-1] == "pair_mismatch"
    assert device.refresh_token is None


def test_s_j5_pair_binding_accepts_expired_access_token(site, device):
    """S-J5: the presented access token may be expired, but its signature
    must be valid: the same token re-signed with the real secret but
    expired passes; the unbound family ignores the body."""
    device.login(alg="HS256", bind=True)
    secret = (site.keys_dir / "jwt_hs256.key").read_bytes()
    p = payload_of(device.access)
    p["exp"] = int(time.time()) - 3600
    p["iat"] = p["nbf"] = int(time.time()) - 4000
    expired = pyjwt.encode(p, secret, algorithm="HS256",
                           headers={"kid": header_of(device.access)["kid"]})
    assert device.get("/api/me", expired).status_code == 401
    r = device.refresh({"access_token": expired})
    assert r.status_code == 200, r.text
    unbound = Device(site)
    unbound.login()
    assert unbound.refresh({}).status_code == 200


def test_s_j5_refresh_body_refuses_unknown_fields(site, device):
    """S-J5: the refresh body takes access_token only."""
    device.login()
    tok = device.refresh_token
    r = device.post("/api/auth/refresh", {"access_token": "x", "user": 1})
    assert r.status_code == 400
    assert family_of(site, tok)[1] is None


# ---- S-J6: logout, blacklist, logout-all, devices -----------------------------------
def test_s_j6_logout_blacklists_and_stateless_still_works(site, device):
    """S-J6: logout revokes the family, expires the cookie and blacklists
    the access token's jti until its exp: /api/me says "revoked" while
    /api/me/stateless still answers 200 until exp."""
    device.login()
    access, tok = device.access, device.refresh_token
    fid = family_of(site, tok)[0]
    assert device.get("/api/me").status_code == 200
    r = device.post("/api/auth/logout", bearer=access)
    assert r.status_code == 200
    assert r.json() == {"logged_out": True, "family_revoked": True,
                        "access_token_blacklisted": True}
    assert set_cookie_headers(r) == [EXPIRE]
    jti, exp = payload_of(access)["jti"], payload_of(access)["exp"]
    assert site.blacklist_expires(jti) == exp
    r = device.get("/api/me", access)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == (
        'Bearer error="invalid_token", '
        'error_description="revoked"')
    r = device.get("/api/me/stateless", access)
    assert r.status_code == 200
    assert family_row(site, fid)["revoked_reason"] == "logout"
    r = requests.post(site.url("/api/auth/refresh"), json={},
                      headers={"Cookie": f"refresh_token={tok}"},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 401
    assert r.json()["error_description"] == "revoked"


def test_s_j6_logout_cross_origin_refused(site, device):
    """S-J6: logout carries the cookie, so a foreign Origin is 403."""
    device.login()
    r = device.post("/api/auth/logout", bearer=device.access,
                    headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    assert device.refresh().status_code == 200


def test_s_j6_logout_all_revokes_every_device(site):
    """S-J6: log out everywhere revokes every family of the user and
    blacklists each device's last access token; other users are
    untouched."""
    phone, laptop, bob = Device(site), Device(site), Device(site)
    phone.login("admin")
    laptop.login("admin", alg="HS256")
    bob.login("bob")
    r = laptop.post("/api/auth/logout-all", bearer=laptop.access)
    assert r.status_code == 200
    assert r.json()["logged_out"] is True
    assert r.json()["families_revoked"] >= 2
    assert set_cookie_headers(r) == [EXPIRE]
    assert phone.refresh().status_code == 401
    assert phone.get("/api/me").status_code == 401
    assert laptop.get("/api/me").status_code == 401
    assert phone.get("/api/me/stateless").status_code == 200
    uid = site.query("SELECT id FROM users WHERE username='admin'")[0][0]
    assert [f for f in site.families(uid) if f["revoked_at"] is None] == []
    assert bob.refresh().status_code == 200


def test_s_j6_logout_all_needs_a_valid_token(site, device):
    """S-J6: no bearer token: 401 and nothing revoked."""
    device.login()
    r = device.post("/api/auth/logout-all")
    assert r.status_code == 401
    assert device.refresh().status_code == 200


def test_s_j6_devices_list_and_revoke_one(site):
    """S-J6: "my devices" lists the user's families with events and marks
    the current one; revoking one leaves the other working; another
    user's family cannot be revoked."""
    a, b = Device(site), Device(site)
    a.login("alice")
    b.login("alice", alg="HS256")
    r = requests.get(site.url("/api/auth/families"), headers={
        "Authorization": f"Bearer {a.access}",
        "Cookie": f"refresh_token={a.refresh_token}"}, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200
    fams = r.json()["families"]
    fa = family_of(site, a.refresh_token)[0]
    fb = family_of(site, b.refresh_token)[0]
    by_id = {f["id"]: f for f in fams}
    assert by_id[fa]["current"] is True and by_id[fb]["current"] is False
    assert by_id[fb]["alg"] == "HS256"
    assert [e["kind"] for e in by_id[fa]["events"]] == ["login"]
    r = a.post("/api/auth/families/revoke", {"id": fb}, bearer=a.access)
    assert r.status_code == 200 and r.json() == {"id": fb, "revoked": True}
    assert b.refresh().status_code == 401
    assert a.refresh().status_code == 200
    bob = Device(site)
    bob.login("bob")
    fbob = family_of(site, bob.refresh_token)[0]
    r = a.post("/api/auth/families/revoke", {"id": fbob}, bearer=a.access)
    assert r.status_code == 404
    assert bob.refresh().status_code == 200
    r = a.post("/api/auth/families/revoke", {"id": "1"}, bearer=a.access)
    assert r.status_code == 400


def test_s_j4_refresh_cookie_is_secure_over_https(tls_site):
    """S-J4: over HTTPS the refresh cookie adds Secure, and the same-origin
    check expects the https origin."""
    body = {"username": "alice", "password": "alice-password",
            "alg": "RS256"}
    r = requests.post(tls_site.url("/api/auth/login"), json=body,
                      headers={"Origin": tls_site.origin},
                      verify=tls_site.verify, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text
    lines = set_cookie_headers(r)
    m = re.match(r"^refresh_token=([A-Za-z0-9_-]{43}); Max-Age=1209600; "
                 r"Path=/api/auth; Secure; HttpOnly; SameSite=Strict$",
                 lines[0])
    assert m and len(lines) == 1, lines
    cookie = f"refresh_token={m.group(1)}"
    r = requests.post(tls_site.url("/api/auth/refresh"), json={},
                      headers={"Cookie": cookie, "Origin":
                               tls_site.origin.replace("https:", "http:")},
                      verify=tls_site.verify, timeout=HTTP_TIMEOUT)
    assert r.status_code == 403
    r = requests.post(tls_site.url("/api/auth/refresh"), json={},
                      headers={"Cookie": cookie, "Origin": tls_site.origin},
                      verify=tls_site.verify, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200


def test_s_j6_device_user_agent_kept_cut_on_a_character(site):
    """S-J6: the device list keeps at most 200 bytes of User-Agent, cut
    on a UTF-8 character boundary."""
    ua = "가" * 100                       # 300 bytes
    r = requests.post(site.url("/api/auth/login"),
                      json={"username": "bob", "password": "bob-password",
                            "alg": "RS256"},
                      headers={"User-Agent": ua.encode()},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 200
    m = ANY_AGE_RE.match(set_cookie_headers(r)[0])
    fid = family_of(site, m.group(1))[0]
    kept = family_row(site, fid)["user_agent"]
    assert kept == "가" * 66 and len(kept.encode()) == 198
