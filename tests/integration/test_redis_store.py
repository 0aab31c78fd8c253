"""The Redis store (issue 12; S-S10, S-J10; article B §2 and §7): what
only Redis can get wrong. The suites with STORES run every behaviour on
both stores; this module checks the Redis side itself, against a real
redis-server on a unix socket:

- no key and no value holds a raw session ID or refresh token;
- every key has a TTL, and a session's is its idle deadline;
- Redis stopped, killed, frozen or out of memory gives 503 (HTML) or
  {"error": "store_unavailable"} (JSON) and one log line per outage, never
  a crash; when it is back the same login works again (AOF);
- logout, revoke-all and reset leave no key of that state behind.
"""
import base64
import json
import re
import signal
import time

import pytest
import requests

import sitectl
from sitectl import HTML_TYPE, HTTP_TIMEOUT, Client, csrf_from

JSON_TYPE = "application/json"
IDLE = 1800                      # the default SESSION_IDLE_SECONDS


@pytest.fixture
def rsite():
    """A Redis site of the test's own (these tests stop its Redis). The
    error log is checked by the tests themselves: an outage is logged on
    purpose."""
    with sitectl.private_site("redis", store="redis", check_log=False) as s:
        yield s


def jwt_login(site, username="alice"):
    """Log in on the token API: (access token, refresh token)."""
    r = requests.post(site.url("/api/auth/login"), json={
        "username": username, "password": f"{username}-password",
        "alg": "RS256"}, headers={"Origin": site.origin},
        timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text
    m = re.search(r"refresh_token=([A-Za-z0-9_-]{43});",
                  r.headers["Set-Cookie"])
    return r.json()["access_token"], m.group(1)


def jwt_post(site, path, refresh=None, access=None):
    h = {"Origin": site.origin}
    if refresh:
        h["Cookie"] = f"refresh_token={refresh}"
    if access:
        h["Authorization"] = f"Bearer {access}"
    return requests.post(site.url(path), json={}, headers=h,
                         timeout=HTTP_TIMEOUT)


def cart_add(c, product_id=1, qty=1):
    page = c.get("/cart")
    assert page.status_code == 200
    return c.post("/cart/add", data={"product": str(product_id),
                                     "qty": str(qty),
                                     "csrf": csrf_from(page.text)})


def outage_lines(site) -> list[str]:
    return [ln for ln in site.log_text().splitlines()
            if "answering 503 until it answers" in ln]


def test_s_s10_keys_hold_only_hashes_and_all_have_a_ttl(rsite):
    """S-S10/S-J10: after a mixed workload (a guest cart, a login, a
    failed login, a token login, a refresh and a logout that blacklists
    the access token) every key has a TTL > 0, the session key's is the
    idle deadline, and neither the sid nor any refresh token is in a key
    name or a value."""
    guest = Client(rsite)
    assert cart_add(guest).status_code == 303
    user = Client(rsite)
    assert user.login("nosuchuser", "wrong").status_code == 401
    assert user.login("alice", "alice-password").status_code == 303
    access, refresh = jwt_login(rsite, "bob")
    r = jwt_post(rsite, "/api/auth/refresh", refresh=refresh)
    assert r.status_code == 200
    new_refresh = re.search(r"refresh_token=([A-Za-z0-9_-]{43});",
                            r.headers["Set-Cookie"]).group(1)
    new_access = r.json()["access_token"]
    assert jwt_post(rsite, "/api/auth/logout", refresh=new_refresh,
                    access=new_access).status_code == 200

    keys = rsite.redis_keys()
    kinds = {k.split(":")[0] for k in keys}
    assert kinds >= {"session", "user", "refresh", "family", "blacklist",
                     "throttle"}, keys
    assert all(ttl > 0 for _kind, ttl in keys.values()), keys
    sess_key = "session:" + sitectl.sid_hash(user.sid).hex()
    assert keys[sess_key][0] == "hash"
    assert IDLE - 5 <= keys[sess_key][1] <= IDLE
    secrets = [guest.sid, user.sid, refresh, new_refresh]
    for where, b in rsite.stored_bytes():
        for secret in secrets:
            assert secret.encode() not in b, f"a raw ID in {where}"
    aof = b"".join(p.read_bytes() for p in
                   (rsite.tmp / "redis").rglob("*.aof*") if p.is_file())
    assert aof and not any(s.encode() in aof for s in secrets)


def test_s_s10_redis_stopped_gives_503_then_the_same_login_returns(rsite):
    """S-S10: Redis stopped mid-session: the logged-in page is a 503 HTML
    page with Retry-After, the token API answers 503
    {"error": "store_unavailable"}, one log line per program tells it,
    and no program dies. Redis started again on its AOF: the same sid is
    still logged in and the cart line is still there, with no restart of
    the site."""
    c = Client(rsite)
    assert c.login("alice", "alice-password").status_code == 303
    assert cart_add(c, 2, 3).status_code == 303
    sid = c.sid
    pids = sorted(rsite.fcgi_pids())
    rsite.redis_server.stop()                        # SIGTERM: shutdown

    r = c.get("/session/me")
    assert r.status_code == 503
    assert r.headers["Content-Type"] == HTML_TYPE
    assert r.headers["Retry-After"] == "5"
    assert "Retry-After" in sitectl.error_callout(r.text)
    assert "Set-Cookie" not in r.headers              # the cookie is kept
    r = requests.post(rsite.url("/api/auth/login"), json={
        "username": "bob", "password": "bob-password", "alg": "RS256"},
        headers={"Origin": rsite.origin}, timeout=HTTP_TIMEOUT)
    assert r.status_code == 503
    assert r.headers["Content-Type"].startswith(JSON_TYPE)
    assert r.json()["error"] == "store_unavailable"
    assert c.get("/session/me").status_code == 503   # still down: no new line
    lines = outage_lines(rsite)
    assert 1 <= len(lines) <= len(pids), lines
    assert len({ln.split(":")[0] for ln in lines}) == len(lines)

    rsite.redis_server.start()                       # the same folder, AOF
    r = c.get("/session/me")
    assert r.status_code == 200
    assert "alice" in r.text
    assert c.sid == sid
    state = c.get("/cart/state").json()
    assert state["owner"] == "user"
    assert sorted(pids) == sorted(rsite.fcgi_pids())  # nobody restarted
    assert "answers again" in rsite.log_text()
    assert not [ln for ln in sitectl.abnormal_log_lines(rsite.log_text())
                if "Connection refused" not in ln]


def test_s_s10_redis_killed_loses_no_acknowledged_write(rsite):
    """S-S10: kill -9 of redis-server right after the site acknowledged a
    login and a cart add: with appendfsync always both are in the AOF,
    and after a restart both are there."""
    c = Client(rsite)
    assert c.login("bob", "bob-password").status_code == 303
    guest = Client(rsite)
    assert cart_add(guest, 3, 2).status_code == 303
    rsite.redis_server.stop(signal.SIGKILL)
    assert guest.get("/cart/state").status_code == 503
    rsite.redis_server.start()
    assert c.state()["authenticated"] is True
    items = guest.get("/cart/state").json()["items"]
    assert [(i["product_id"], i["qty"]) for i in items] == [(3, 2)]


def test_s_s10_redis_frozen_past_the_timeout_gives_503(rsite):
    """S-S10: a Redis that does not answer (SIGSTOP) is a 503 after the
    short timeout (REDIS_TIMEOUT_MS, 250 ms), not a hung request; after
    SIGCONT the same session works again."""
    c = Client(rsite)
    assert c.login("alice", "alice-password").status_code == 303
    proc = rsite.redis_server.proc
    proc.send_signal(signal.SIGSTOP)
    try:
        t0 = time.monotonic()
        r = c.get("/session/me")
        took = time.monotonic() - t0
        assert r.status_code == 503
        assert took < 5, took
        r = requests.get(rsite.url("/api/me"), headers={
            "Authorization": "Bearer x.y.z"}, timeout=HTTP_TIMEOUT)
        assert r.status_code == 401                  # no store needed
    finally:
        proc.send_signal(signal.SIGCONT)
    deadline = time.monotonic() + 5
    while c.get("/session/me").status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert c.state()["authenticated"] is True


def test_s_s10_redis_out_of_memory_refuses_writes_and_keeps_state(rsite):
    """S-S10: Redis full (maxmemory reached, noeviction) answers writes
    with an OOM error: a cart add is a 503 and the cart is unchanged;
    once there is room again the add works."""
    c = Client(rsite)
    assert cart_add(c, 1, 1).status_code == 303
    before = c.get("/cart/state").json()
    r = rsite.redis()
    r.config_set("maxmemory-policy", "noeviction")
    r.config_set("maxmemory", "1")
    try:
        assert cart_add(c, 2, 1).status_code == 503
    finally:
        r.config_set("maxmemory", "0")
    assert c.get("/cart/state").json() == before
    assert cart_add(c, 2, 1).status_code == 303
    assert len(c.get("/cart/state").json()["items"]) == 2


def test_s_s10_logout_leaves_no_key_and_reset_keeps_only_blacklist(rsite):
    """S-S10: logging out deletes the session key and the user's set;
    reset demo data deletes every session, refresh, family and throttle
    key; only blacklist entries stay, each until its token's exp."""
    c = Client(rsite)
    assert c.login("alice", "alice-password").status_code == 303
    page = c.get("/session/me")
    r = c.post("/session/logout", data={"csrf": csrf_from(page.text)})
    assert r.status_code == 200
    assert [k for k in rsite.redis_keys()
            if k.startswith(("session:", "user:"))] == []

    access, refresh = jwt_login(rsite, "bob")
    other = Client(rsite)
    assert other.login("bob", "wrong").status_code == 401
    admin = Client(rsite)
    assert admin.login("admin", "admin-password").status_code == 303
    page = admin.get("/session/admin")
    assert page.status_code == 200
    r = admin.post("/session/admin/reset", data={
        "confirm": "1", "csrf": csrf_from(page.text)})
    assert r.status_code == 200, r.status_code
    left = rsite.redis_keys()
    assert all(k.startswith("blacklist:") for k in left), left
    part = access.split(".")[1]
    exp = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))[
        "exp"]
    for k, (_kind, ttl) in left.items():
        assert 0 < ttl <= exp + 10 - int(time.time()) + 1, (k, ttl)
    assert jwt_post(rsite, "/api/auth/refresh",
                    refresh=refresh).status_code == 401
