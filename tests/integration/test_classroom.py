"""Classroom controls (issue 6) on /session/admin: the demo clock moves the
server's "now" forward, so idle deadlines pass without waiting (S-S3), and
"reset demo data" restores the seeded state. Admin only; every POST is
CSRF-checked; bad input changes nothing."""
import pytest

import sitectl
from sitectl import Client, csrf_from


@pytest.fixture
def classroom():
    with sitectl.private_site("classroom") as s:
        yield s


def admin_client(site):
    a = Client(site)
    assert a.login("admin", "admin-password").status_code == 303
    return a


def offset(site):
    return site.query("SELECT offset_seconds FROM demo_clock")[0][0]


def post_admin(c, path, **data):
    token = csrf_from(c.get("/session/admin").text)
    return c.post(path, data={"csrf": token, **data})


def test_s_s3_demo_clock_expires_idle_sessions(classroom):
    """S-S3: moving the clock 31 minutes ends a 30-minute-idle session at
    its next request. The admin's session stays: the request that moved
    the clock was activity at the new time."""
    alice = Client(classroom)
    assert alice.login("alice", "alice-password").status_code == 303
    assert alice.state()["authenticated"] is True
    admin = admin_client(classroom)
    r = post_admin(admin, "/session/admin/clock", minutes="31")
    assert r.status_code == 200
    assert 'id="admin-clock-minutes">31<' in r.text
    assert offset(classroom) == 31 * 60
    st = alice.state()
    assert st["authenticated"] is False
    me = alice.get("/session/me")
    assert me.status_code == 401
    assert admin.get("/session/admin").status_code == 200
    row = classroom.session_row(admin.sid)
    assert row["last_seen"] >= row["created"] + 31 * 60


def test_demo_clock_reset_and_limits(classroom):
    admin = admin_client(classroom)
    for bad in ("0", "1441", "-5", "abc", "1e3", "", " 5", "+5",
                "99999999999999999999"):
        r = post_admin(admin, "/session/admin/clock", minutes=bad)
        assert r.status_code == 400, bad
        assert offset(classroom) == 0
    r = post_admin(admin, "/session/admin/clock", minutes="10")
    assert r.status_code == 200 and offset(classroom) == 600
    r = post_admin(admin, "/session/admin/clock/reset")
    assert r.status_code == 200 and offset(classroom) == 0
    # no CSRF token: refused, nothing moves
    r = admin.post("/session/admin/clock", data={"minutes": "10"})
    assert r.status_code == 403 and offset(classroom) == 0


def test_classroom_controls_are_admin_only(classroom):
    alice = Client(classroom)
    assert alice.login("alice", "alice-password").status_code == 303
    token = csrf_from(alice.get("/session/me").text)
    for path, data in (("/session/admin/clock", {"minutes": "5"}),
                       ("/session/admin/clock/reset", {}),
                       ("/session/admin/reset", {"confirm": "1"})):
        r = alice.post(path, data={"csrf": token, **data})
        assert r.status_code == 403, path
    assert offset(classroom) == 0
    assert alice.state()["authenticated"] is True


def test_reset_demo_data_restores_seeded_state(classroom):
    """Reset: sessions, failures and non-demo accounts go, the demo
    passwords come back, the clock returns to wall time, and everyone
    (the admin too) is logged out."""
    alice = Client(classroom)
    assert alice.login("alice", "alice-password").status_code == 303
    bad = Client(classroom)
    assert bad.login("bob", "wrong-password").status_code == 401
    admin = admin_client(classroom)
    assert post_admin(admin, "/session/admin/clock",
                      minutes="5").status_code == 200
    assert classroom.query("SELECT count(*) FROM login_failures")[0][0] == 1
    r = post_admin(admin, "/session/admin/reset")
    assert r.status_code == 400      # confirm is required
    r = post_admin(admin, "/session/admin/reset", confirm="1")
    assert r.status_code == 200
    assert any(line.startswith("sid=; Max-Age=0")
               for line in sitectl.set_cookie_headers(r))
    assert classroom.query("SELECT count(*) FROM sessions")[0][0] == 0
    assert classroom.query("SELECT count(*) FROM login_failures")[0][0] == 0
    assert offset(classroom) == 0
    assert sorted(u for (u,) in classroom.query(
        "SELECT username FROM users")) == ["admin", "alice", "bob"]
    assert alice.state()["authenticated"] is False
    again = Client(classroom)
    assert again.login("alice", "alice-password").status_code == 303


@pytest.mark.parametrize("alg", ["HS256", "RS256"])
def test_s_j3_demo_clock_expires_access_tokens(classroom, alg):
    """S-J3: a 15-minute access token is refused as expired once the demo
    clock moves 16 minutes, by the API program (another process, which
    sees the offset within a second)."""
    import requests

    r = requests.post(classroom.url("/api/auth/login"), timeout=10,
                      json={"username": "alice", "password": "alice-password",
                            "alg": alg})
    assert r.status_code == 200
    token = r.json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert requests.get(classroom.url("/api/me"), headers=auth,
                        timeout=10).status_code == 200
    admin = admin_client(classroom)
    assert post_admin(admin, "/session/admin/clock",
                      minutes="16").status_code == 200
    sitectl.wait_next_second()   # each process re-reads the offset
    r = requests.get(classroom.url("/api/me"), headers=auth, timeout=10)
    assert r.status_code == 401
    assert 'error_description="expired"' in r.headers["WWW-Authenticate"]


def test_classroom_lifetimes():
    """CLASSROOM=1 (issue 6) shortens every lifetime so expiry can be
    watched live: S-S3 session idle 120 s, S-J3 access token 60 s, S-J4
    refresh token 600 s (cookie Max-Age and the stored row agree)."""
    import re
    import requests

    with sitectl.private_site("classroom-ttl",
                              extra_env={"CLASSROOM": "1"}) as s:
        c = Client(s)
        assert c.login("alice", "alice-password").status_code == 303
        [(ttl, span)] = s.query(
            "SELECT idle_ttl, idle_expires - last_seen FROM sessions "
            "JOIN users ON users.id = user_id WHERE username = 'alice'")
        assert (ttl, span) == (120, 120)
        r = requests.post(s.url("/api/auth/login"), timeout=10, json={
            "username": "alice", "password": "alice-password",
            "alg": "HS256"})
        assert r.status_code == 200
        assert r.json()["expires_in"] == 60
        assert re.match(r"^refresh_token=[A-Za-z0-9_-]{43}; Max-Age=600; "
                        r"Path=/api/auth; HttpOnly; SameSite=Strict$",
                        r.headers["Set-Cookie"])
        [(life,)] = s.query("SELECT expires - created FROM refresh_tokens")
        assert life == 600
