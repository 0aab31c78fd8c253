"""Login throttling (S-S1): 5 failures for one username within 15 minutes
make further attempts answer 429 with Retry-After, even with the right
password. Runs on its own instance so the locked usernames do not leak
into the other tests."""
import time

import pytest

import sitectl
from sitectl import HTML_TYPE, Client, error_callout, set_cookie_headers

STORES = sitectl.STORES     # on SQLite and on Redis (issue 12)

FAIL_MAX = 5
WINDOW = 900


@pytest.fixture(scope="module")
def tsite(store):
    with sitectl.private_site(f"throttle-{store}", store=store) as s:
        yield s


def test_s_s1_throttle_on_redis_is_one_sorted_set_with_ttl(tclient, tsite):
    """S-S1 throttle, Redis store: bob's failures are the sorted set
    throttle:bob, one member per failure scored by its time, with a TTL of
    at most the window; a success deletes it."""
    if tsite.store != "redis":
        pytest.skip("the Redis layout")
    fail_n(tclient, "bob", 2)
    r = tsite.redis()
    assert r.type("throttle:bob") == b"zset"
    assert r.zcard("throttle:bob") == 2
    assert 0 < r.ttl("throttle:bob") <= WINDOW
    assert tclient.login("bob", "bob-password").status_code == 303
    assert r.exists("throttle:bob") == 0


@pytest.fixture
def tclient(tsite):
    c = Client(tsite)
    yield c
    c.close()


def failures(site, username):
    return len(site.login_failures(username))


def fail_n(c, username, n):
    for i in range(n):
        r = c.login(username, f"wrong-{i}")
        assert r.status_code == 401, (i, r.status_code)


def assert_throttled(r):
    assert r.status_code == 429
    assert r.headers["Content-Type"] == HTML_TYPE
    ra = r.headers.get("Retry-After")
    assert ra is not None and ra.isdigit(), ra
    assert 1 <= int(ra) <= WINDOW
    assert set_cookie_headers(r) == []
    msg = error_callout(r.text)
    assert "Too many failures for this username" in msg
    assert f"Retry-After: <strong>{ra}</strong> s" in msg
    return int(ra)


def test_s_s1_throttle_after_five_failures_even_with_right_password(
        tclient, tsite):
    """S-S1 throttle: 5 wrong passwords for alice, then the right one → 429
    with Retry-After in 1..900; failures are rows in login_failures."""
    fail_n(tclient, "alice", FAIL_MAX)
    assert failures(tsite, "alice") == FAIL_MAX
    now = time.time()
    assert all(now - 60 <= at <= now + 1 for at in
               tsite.login_failures("alice"))
    r = tclient.login("alice", "alice-password")
    ra = assert_throttled(r)
    assert ra >= WINDOW - 60          # the failures were just now
    assert tclient.state()["authenticated"] is False
    # A throttled attempt is not itself counted, and is still refused.
    assert failures(tsite, "alice") == FAIL_MAX
    assert_throttled(tclient.login("alice", "alice-password"))


def test_s_s1_throttle_is_per_username(tclient, tsite):
    """S-S1 throttle: another username is unaffected by alice's lockout."""
    assert_throttled(tclient.login("alice", "alice-password"))
    r = tclient.login("bob", "bob-password")
    assert r.status_code == 303
    assert tclient.state()["user"]["username"] == "bob"


def test_s_s1_throttle_unknown_username(tclient, tsite):
    """S-S1 throttle: a well-formed but unknown username ("mallory") is
    throttled the same way, so the 429 does not reveal which accounts
    exist."""
    fail_n(tclient, "mallory", FAIL_MAX)
    assert failures(tsite, "mallory") == FAIL_MAX
    assert_throttled(tclient.login("mallory", "anything"))


def test_s_s1_success_clears_failures(tclient, tsite):
    """S-S1 throttle: a successful login clears the username's failures, so
    4 more failures afterwards do not lock it."""
    fail_n(tclient, "admin", FAIL_MAX - 1)
    assert failures(tsite, "admin") == FAIL_MAX - 1
    assert tclient.login("admin", "admin-password").status_code == 303
    assert failures(tsite, "admin") == 0
    fail_n(tclient, "admin", FAIL_MAX - 1)
    assert tclient.login("admin", "admin-password").status_code == 303


def test_issue10_concurrent_burst_checks_at_most_five(tsite):
    """Issue 10 §4 reproduction, S-S1: 14 wrong passwords for one user sent
    at once across /session/login, /api/auth/login, /compare/cookie/login
    and /lab/scale/{a,b}/login. The throttle's check and record are one
    atomic step before the Argon2id work, so exactly 5 are checked (401)
    and the other 9 get 429 with Retry-After; 5 failures are stored."""
    import threading

    import requests

    from sitectl import HTTP_TIMEOUT, csrf_from

    user = "burst"
    forms = []
    for page, action in (("/session/login", "/session/login"),
                         ("/compare", "/compare/cookie/login"),
                         ("/lab/scale", "/lab/scale/a/login"),
                         ("/lab/scale", "/lab/scale/b/login")):
        c = Client(tsite)
        token = csrf_from(c.get(page).text)
        forms.append((action, c.cookie_header(), token))
        c.close()
    jobs = []
    for i in range(14):
        if i % 5 == 4:
            jobs.append(("json", "/api/auth/login", None, None))
        else:
            jobs.append(("form",) + forms[i % 5 % 4])
    results = [None] * len(jobs)
    gate = threading.Barrier(len(jobs))

    def send(i):
        kind, path, cookie, token = jobs[i]
        h = {"Origin": tsite.origin}
        gate.wait()
        if kind == "json":
            r = requests.post(tsite.url(path), headers=h, json={
                "username": user, "password": f"wrong-{i}", "alg": "HS256"},
                timeout=HTTP_TIMEOUT)
        else:
            h["Cookie"] = cookie
            r = requests.post(tsite.url(path), headers=h, data={
                "username": user, "password": f"wrong-{i}", "csrf": token},
                timeout=HTTP_TIMEOUT, allow_redirects=False)
        results[i] = (r.status_code, r.headers.get("Retry-After"))

    threads = [threading.Thread(target=send, args=(i,))
               for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(s for s, _ in results)
    assert statuses == [401] * FAIL_MAX + [429] * (len(jobs) - FAIL_MAX), \
        results
    for status, ra in results:
        if status == 429:
            assert ra is not None and 1 <= int(ra) <= WINDOW
    assert failures(tsite, user) == FAIL_MAX
