"""Expiry (S-S3) on a short-timeout instance (idle 2 s, absolute 5 s) and
"browser closed, session remains" (S-S4) on the main instance."""
import time

import pytest

import sitectl
from sitectl import SID_COOKIE_RE, SID_EXPIRE, Client, set_cookie_headers

STORES = sitectl.STORES     # on SQLite and on Redis (issue 12)


@pytest.fixture
def eclient(expiry_site):
    c = Client(expiry_site)
    yield c
    c.close()


def login_quickly(c):
    # The guest session itself lives 2 s idle / 5 s absolute: log in at once.
    r = c.login("alice", "alice-password")
    assert r.status_code == 303, r.text[:300]
    st = c.state()
    assert st["authenticated"] is True
    return st


def test_s_s3_short_timeouts_are_in_effect(eclient):
    """S-S3: SESSION_IDLE_SECONDS=2 and SESSION_ABSOLUTE_SECONDS=5 reach the
    program through lighttpd.conf."""
    st = login_quickly(eclient)
    s = st["session"]
    assert s["idle_expires"] - s["last_seen"] in (0, 1, 2)
    assert s["idle_expires"] <= s["absolute_expires"]
    assert s["absolute_expires"] - s["created"] == 5


def test_s_s3_idle_timeout(eclient, expiry_site):
    """S-S3: with no request until the idle deadline (2 s after the last
    one) the session ends: the row is deleted and the cookie expired."""
    login_quickly(eclient)
    sid = eclient.sid
    row = expiry_site.session_row(sid)
    assert row is not None
    assert row["idle_expires"] < row["absolute_expires"]
    sitectl.wait_until(row["idle_expires"])     # the deadline, no later
    r = eclient.get("/session/me")
    assert r.status_code == 401
    assert "the session passed its idle timeout" in r.text
    assert set_cookie_headers(r) == [SID_EXPIRE]
    assert expiry_site.session_row(sid) is None
    st = eclient.state(cookies=False, headers={"Cookie": f"sid={sid}"})
    assert st["authenticated"] is False and st["session"] is None


def test_s_s3_absolute_timeout(eclient, expiry_site):
    """S-S3: even with a request every 0.4 s (so the idle timeout never
    passes), the session ends at its absolute deadline (5 s)."""
    st = login_quickly(eclient)
    sid = eclient.sid
    deadline = st["session"]["absolute_expires"]
    assert deadline - st["session"]["created"] == 5
    # Active use before the deadline keeps the session alive...
    checks = 0
    while time.time() < deadline - 0.6:
        st = eclient.state()
        assert st["authenticated"] is True, st
        # ...and the idle deadline never passes the absolute one.
        assert st["session"]["idle_expires"] <= deadline
        checks += 1
        time.sleep(0.4)
    assert checks >= 5
    sitectl.wait_until(deadline)
    r = eclient.get("/session/me")
    assert r.status_code == 401
    assert "the session passed its absolute lifetime" in r.text
    assert set_cookie_headers(r) == [SID_EXPIRE]
    assert expiry_site.session_row(sid) is None
    assert eclient.state()["authenticated"] is False


def test_s_s4_browser_restart_keeps_server_record(new_client, site):
    """S-S4: the session cookie has no Max-Age/Expires, so a browser drops
    it on restart; the server row stays, and the ID still works if sent."""
    c = new_client()
    token = c.login_form()
    r = c.post("/session/login", data={
        "username": "alice", "password": "alice-password", "csrf": token})
    assert r.status_code == 303
    line = set_cookie_headers(r)[0]
    assert SID_COOKIE_RE.match(line), line
    assert "Max-Age" not in line and "Expires" not in line
    sid = c.sid

    # "Restart": a browser with no cookies.
    restarted = new_client()
    st = restarted.state()
    assert st == {"authenticated": False, "user": None, "session": None}
    assert restarted.get("/session/me").status_code == 401
    # The server still holds the record...
    row = site.session_row(sid)
    assert row is not None and row["user_id"] is not None
    # ...and the ID still works when someone sends it again.
    st = restarted.state(cookies=False, headers={"Cookie": f"sid={sid}"})
    assert st["authenticated"] is True
    assert st["user"]["username"] == "alice"


def test_s_s9_remembered_session_outlives_short_idle(eclient, expiry_site):
    """S-S9: SESSION_REMEMBER_SECONDS=60 gives the cookie Max-Age=60 exactly
    and the session that lifetime: no request until past the 2 s idle
    deadline an ordinary session would have does not end it."""
    token = eclient.login_form()
    r = eclient.post("/session/login", data={
        "username": "alice", "password": "alice-password",
        "remember": "1", "csrf": token})
    assert r.status_code == 303
    lines = set_cookie_headers(r)
    assert lines == [f"sid={eclient.sid}; Max-Age=60; Path=/; HttpOnly; "
                     "SameSite=Lax"]
    row = expiry_site.session_row(eclient.sid)
    assert row["persistent"] == 1
    assert row["absolute_expires"] - row["created"] == 60
    # An ordinary session would end at last_seen + 2 (SESSION_IDLE_SECONDS).
    sitectl.wait_until(row["last_seen"] + 2 + 0.5)
    st = eclient.state()
    assert st["authenticated"] is True
    assert st["session"]["persistent"] is True
