"""S-S7 / S-S8 active sessions: the devices list, revoking one session and
all the others, the stolen-ID demo, password change (own site), and the
admin's revoke-all (own site)."""
import re

import pytest

import sitectl
from sitectl import SID_EXPIRE, Client, csrf_from, error_callout, main_part

STORES = sitectl.STORES     # on SQLite and on Redis (issue 12)

FIREFOX = ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
           "Firefox/128.0")
CHROME_WIN = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
              "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36")


def browser(site, ua, user="alice", password="alice-password"):
    c = Client(site)
    c.ua = ua
    orig = c.request

    def request(method, path, headers=None, **kw):
        h = {"User-Agent": ua}
        h.update(headers or {})
        return orig(method, path, headers=h, **kw)
    c.request = request
    if user:
        assert c.login(user, password).status_code == 303
    return c


def rows(html):
    """(short hash, is current, browser, address) of the devices table."""
    out = []
    for m in re.finditer(
            r'<tr data-session="([0-9a-f]{8})"( class="current")?>\s*'
            r'<td>.*?</td>\s*<td title="[^"]*">([^<]*)</td>\s*'
            r'<td><code class="addr">([^<]*)</code></td>', html, re.S):
        out.append((m.group(1), bool(m.group(2)), m.group(3), m.group(4)))
    return out


def full_hashes(html):
    return re.findall(r'name="session" value="([0-9a-f]{64})"', html)


@pytest.fixture
def two(site):
    """alice in Firefox and in Chrome; her other sessions revoked first."""
    a = browser(site, FIREFOX)
    r = a.get("/session/me")                 # any page with the token
    a.post("/session/devices/revoke-others", data={"csrf": csrf_from(r.text)})
    b = browser(site, CHROME_WIN)
    yield a, b
    a.close()
    b.close()


def test_s_s7_devices_list(site, two):
    """S-S7: each live session with created, last seen, browser (from the
    User-Agent) and client address; this browser marked."""
    a, b = two
    r = a.get("/session/devices")
    assert r.status_code == 200
    assert "S-S7" in r.text and 'class="wire"' in r.text
    got = rows(r.text)
    assert len(got) == 2
    assert (sitectl.sid_hash_hex8(a.sid), True, "Firefox 128 · Linux",
            "127.0.0.1") in got
    assert (sitectl.sid_hash_hex8(b.sid), False, "Chrome 126 · Windows",
            "127.0.0.1") in got
    assert '<strong id="devices-count">2</strong>' in r.text
    # Only the other session has a revoke button; no ID is shown.
    assert full_hashes(r.text) == [sitectl.sid_hash(b.sid).hex()]
    assert b.sid not in r.text
    assert "UTC" in main_part(r.text)


def test_s_s7_revoke_one(site, two):
    """S-S7: revoking a session logs that browser out on its next request
    (and expires its cookie)."""
    a, b = two
    r = a.get("/session/devices")
    target = full_hashes(r.text)[0]
    r = a.post("/session/devices/revoke",
               data={"session": target, "csrf": csrf_from(r.text)})
    assert r.status_code == 200
    assert 'id="devices-message"' in r.text
    assert len(rows(r.text)) == 1
    assert site.session_row(b.sid) is None
    r = b.get("/session/state")
    assert r.json()["authenticated"] is False
    assert sitectl.set_cookie_headers(r) == [SID_EXPIRE]
    assert a.state()["authenticated"] is True


def test_s_s7_revoke_others(site, two):
    """S-S7: "log out all other devices" ends every session but this one."""
    a, b = two
    c = browser(site, "curl/8.5.0")
    r = a.get("/session/devices")
    assert len(rows(r.text)) == 3
    r = a.post("/session/devices/revoke-others",
               data={"csrf": csrf_from(r.text)})
    assert r.status_code == 200
    assert "<strong>2</strong>" in r.text
    assert rows(r.text) == [(sitectl.sid_hash_hex8(a.sid), True,
                             "Firefox 128 · Linux", "127.0.0.1")]
    assert b.state()["authenticated"] is False
    assert c.state()["authenticated"] is False
    assert a.state()["authenticated"] is True
    c.close()


def test_s_s8_stolen_id_works_until_revoked(site, two):
    """S-S8 theft: a copied ID works from another program (the curl line on
    the page) until the owner revokes it."""
    a, b = two
    page = a.get("/session/devices").text
    assert f"curl -s -H &#39;Cookie: sid={a.sid}&#39;" in page or \
        f"Cookie: sid={a.sid}" in page
    thief = Client(site)
    thief.cookies["sid"] = b.sid                 # copied from browser b
    st = thief.state(headers={"User-Agent": "curl/8.5.0"})
    assert st["authenticated"] is True and st["user"]["username"] == "alice"
    target = sitectl.sid_hash(b.sid).hex()
    r = a.post("/session/devices/revoke",
               data={"session": target, "csrf": csrf_from(page)})
    assert r.status_code == 200
    assert thief.state()["authenticated"] is False


@pytest.mark.parametrize("value,status", [
    ("", 400), ("zz" * 32, 400), ("ab" * 31, 400), ("ab" * 33, 400),
    ("00" * 32, 404), ("' OR 1=1 --", 400)])
def test_s_s7_revoke_bad_input(site, two, value, status):
    """S-S7: a malformed hash is 400, an unknown one 404; nothing changes."""
    a, _b = two
    token = csrf_from(a.get("/session/devices").text)
    before = site.dump(normalise_touch=True)
    r = a.post("/session/devices/revoke", data={"session": value,
                                                "csrf": token})
    assert r.status_code == status
    assert site.dump(normalise_touch=True) == before


def test_s_s7_cannot_revoke_other_users_session(site, two):
    """S-S7: bob's session hash is not alice's to revoke (404)."""
    a, _b = two
    bob = browser(site, FIREFOX, "bob", "bob-password")
    token = csrf_from(a.get("/session/devices").text)
    before = site.dump(normalise_touch=True)
    r = a.post("/session/devices/revoke",
               data={"session": sitectl.sid_hash(bob.sid).hex(),
                     "csrf": token})
    assert r.status_code == 404
    assert site.dump(normalise_touch=True) == before
    assert bob.state()["authenticated"] is True
    bob.close()


def test_s_s7_cannot_revoke_own_session_here(site, two):
    a, _b = two
    token = csrf_from(a.get("/session/devices").text)
    before = site.dump(normalise_touch=True)
    r = a.post("/session/devices/revoke",
               data={"session": sitectl.sid_hash(a.sid).hex(),
                     "csrf": token})
    assert r.status_code == 400
    assert site.dump(normalise_touch=True) == before


def test_s_s7_devices_need_login(site):
    """S-S7: a guest gets 401 for the page and the POSTs."""
    g = Client(site)
    r = g.get("/session/devices")
    assert r.status_code == 401
    token = g.login_form()
    before = site.dump()
    for path, data in (("/session/devices/revoke", {"session": "00" * 32}),
                       ("/session/devices/revoke-others", {}),
                       ("/session/password", {"current": "x" * 12,
                                              "password": "y" * 12,
                                              "password2": "y" * 12})):
        r = g.post(path, data=dict(data, csrf=token))
        assert r.status_code == 401, path
    assert site.dump() == before
    assert g.get("/session/password").status_code == 401


def test_s_s7_csrf_on_every_post(site, two):
    a, _b = two
    before = site.dump(normalise_touch=True)
    for path in ("/session/devices/revoke", "/session/devices/revoke-others",
                 "/session/password", "/session/admin/revoke-all"):
        r = a.post(path, data={"csrf": "x" * 43})
        assert r.status_code == 403, path
    assert site.dump(normalise_touch=True) == before


def test_s_s7_admin_page_forbidden_to_others(site):
    """S-S7: the admin page is for the admin role only: 403 for a user and
    for a guest, and the revoke-all POST too."""
    a = browser(site, FIREFOX)
    token = csrf_from(a.get("/session/me").text)
    assert a.get("/session/admin").status_code == 403
    before = site.dump(normalise_touch=True)
    r = a.post("/session/admin/revoke-all", data={"confirm": "1",
                                                  "csrf": token})
    assert r.status_code == 403
    assert "admin" in error_callout(r.text)
    assert site.dump(normalise_touch=True) == before
    assert Client(site).get("/session/admin").status_code == 403
    a.close()


# ---- password change and revoke-all: their own site ----------------------

def untouched(sessions):
    """Sessions without what a successful request's touch moves."""
    return sorted((tuple(sorted((k, v) for k, v in row.items()
                                if k not in ("last_seen", "idle_expires")))
                   for row in sessions), key=repr)


@pytest.fixture(scope="module")
def own_site(store):
    with sitectl.private_site(f"devices-{store}", store=store) as s:
        yield s


NEW_PW = "a much better passphrase"


def password_post(c, **data):
    token = csrf_from(c.get("/session/password").text)
    return c.post("/session/password", data=dict(data, csrf=token))


@pytest.mark.parametrize("data,status", [
    ({"current": "bob-password", "password": "short", "password2": "short"},
     400),
    ({"current": "bob-password", "password": NEW_PW, "password2": NEW_PW + "x"},
     400),
    ({"current": "bob-password", "password": "y" * 129,
      "password2": "y" * 129}, 400),
    ({"current": "bob-password", "password": NEW_PW}, 400),
    ({"password": NEW_PW, "password2": NEW_PW}, 400),
    ({"current": "bob-password", "password": NEW_PW, "password2": NEW_PW,
      "user": "alice"}, 400),
])
def test_s_s7_password_change_bad_input(own_site, data, status):
    """S-S7: bad input on the password form is 4xx and changes nothing."""
    c = browser(own_site, FIREFOX, "bob", "bob-password")
    password_post(c, current="x", password="x", password2="x")  # warm
    before = own_site.dump(normalise_touch=True)
    r = password_post(c, **data)
    assert r.status_code == status
    assert own_site.dump(normalise_touch=True) == before
    c.close()


def test_s_s7_password_change_wrong_current(own_site):
    """S-S7: the current password is required: a wrong one is 401 and only
    the throttle records it."""
    c = browser(own_site, FIREFOX, "bob", "bob-password")
    before = own_site.dump(normalise_touch=True)
    sessions_before = untouched(own_site.sessions())
    failures_before = own_site.login_failures()
    r = password_post(c, current="not-bobs-password", password=NEW_PW,
                      password2=NEW_PW)
    assert r.status_code == 401
    after = own_site.dump(normalise_touch=True)
    assert after["users"] == before["users"]
    assert untouched(own_site.sessions()) == sessions_before
    assert len(own_site.login_failures()) == len(failures_before) + 1
    c.close()


def test_s_s7_password_change_revokes_others(own_site):
    """S-S7: a password change needs the current password, stores a new
    hash, ends every other session and gives this one a new ID."""
    main = browser(own_site, FIREFOX, "alice", "alice-password")
    other = browser(own_site, CHROME_WIN, "alice", "alice-password")
    bob = browser(own_site, FIREFOX, "bob", "bob-password")
    old_sid = main.sid
    r = password_post(main, current="alice-password", password=NEW_PW,
                      password2=NEW_PW)
    assert r.status_code == 200
    assert '<strong id="password-revoked">1</strong>' in r.text
    m = sitectl.one_sid_cookie(r)
    assert m.group(1) != old_sid
    assert main.state()["authenticated"] is True
    assert other.state()["authenticated"] is False
    assert bob.state()["authenticated"] is True         # other users keep
    stale = Client(own_site)
    stale.cookies["sid"] = old_sid
    assert stale.state()["authenticated"] is False
    assert Client(own_site).login("alice",
                                  "alice-password").status_code == 401
    assert Client(own_site).login("alice", NEW_PW).status_code == 303
    for c in (main, other, bob):
        c.close()


def test_s_s7_admin_revoke_all(own_site):
    """S-S7/S-S8: the admin sees the live count and revoke-all ends every
    session, the admin's own too (the cost: everyone logs in again)."""
    users = [browser(own_site, FIREFOX, "bob", "bob-password")]
    guest = Client(own_site)
    guest.login_form()
    adm = browser(own_site, CHROME_WIN, "admin", "admin-password")
    r = adm.get("/session/admin")
    assert r.status_code == 200
    assert "S-S7" in r.text or "S-S8" in r.text
    total = int(re.search(r'id="admin-total">(\d+)<', r.text).group(1))
    live = len(own_site.sessions())
    assert total == live and total >= 3
    assert "everyone" in main_part(r.text).lower()
    token = csrf_from(r.text)
    before = own_site.dump(normalise_touch=True)
    r = adm.post("/session/admin/revoke-all", data={"csrf": token})
    assert r.status_code == 400                      # confirm=1 required
    r = adm.post("/session/admin/revoke-all", data={"confirm": "yes",
                                                    "csrf": token})
    assert r.status_code == 400
    assert own_site.dump(normalise_touch=True) == before
    r = adm.post("/session/admin/revoke-all", data={"confirm": "1",
                                                    "csrf": token})
    assert r.status_code == 200
    assert f'<strong id="admin-revoked">{live}</strong>' in r.text
    assert sitectl.set_cookie_headers(r) == [SID_EXPIRE]
    assert own_site.sessions() == []
    if own_site.store == "redis":     # no session key and no user set left
        assert [k for k in own_site.redis_keys()
                if k.startswith(("session:", "user:"))] == []
    assert users[0].state()["authenticated"] is False
    assert adm.sid is None
    assert guest.state()["session"] is None
    # Stored carts survive: they are not session data.
    assert own_site.query("SELECT count(*) FROM users")[0][0] >= 3


def test_s_s7_revoke_others_refuses_fields(site, two):
    """S-S7: revoke-others takes no fields; extras are 400, no change."""
    a, _b = two
    token = csrf_from(a.get("/session/me").text)
    before = site.dump(normalise_touch=True)
    r = a.post("/session/devices/revoke-others",
               data={"csrf": token, "user": "bob"})
    assert r.status_code == 400
    r = a.post("/session/devices/revoke",
               data={"csrf": token, "session": "00" * 32, "user": "bob"})
    assert r.status_code == 400
    assert site.dump(normalise_touch=True) == before


def test_s_s7_admin_revoke_all_refuses_fields(site):
    """S-S7: revoke-all takes confirm only."""
    adm = browser(site, FIREFOX, "admin", "admin-password")
    token = csrf_from(adm.get("/session/admin").text)
    before = site.dump(normalise_touch=True)
    r = adm.post("/session/admin/revoke-all",
                 data={"csrf": token, "confirm": "1", "keep": "me"})
    assert r.status_code == 400
    assert site.dump(normalise_touch=True) == before
    adm.close()
