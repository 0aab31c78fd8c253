"""Revocation that reaches every credential kind (issue 10 §1 and §2; S-S7,
S-S8, S-J6).

A password change, "log out everywhere" (the devices page and
/api/auth/logout-all), the admin's revoke-all and "reset demo data" each
end the server sessions, revoke the refresh families and move the account's
token version on, so that every access token issued before is refused by
the stateful verifier. User ids are never reused, and the blacklist keeps
its live entries across a reset. Runs on its own instance: every test here
logs people out.
"""
import base64
import json
import re
import sqlite3

import pytest
import requests

import sitectl
from sitectl import HTTP_TIMEOUT, Client, csrf_from

STORES = sitectl.STORES     # on SQLite and on Redis (issue 12)

SUPERSEDED = "issued before a revocation"
NO_ACCOUNT = "no such account"
PASSWORD = "correct horse battery"
NEW_PW = "a much better passphrase"


@pytest.fixture
def rsite(store):
    with sitectl.private_site(f"revoke-{store}", store=store) as s:
        yield s


def payload_of(tok):
    part = tok.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class Device:
    """A JWT client: the access token in memory and the refresh cookie."""

    def __init__(self, site, username, password):
        self.site = site
        r = requests.post(site.url("/api/auth/login"),
                          json={"username": username, "password": password,
                                "alg": "RS256"},
                          headers={"Origin": site.origin},
                          timeout=HTTP_TIMEOUT)
        assert r.status_code == 200, r.text
        self.access = r.json()["access_token"]
        self.refresh_token = r.cookies["refresh_token"]

    def refresh(self):
        return requests.post(self.site.url("/api/auth/refresh"), json={},
                             headers={"Origin": self.site.origin,
                                      "Cookie": "refresh_token="
                                      + self.refresh_token},
                             timeout=HTTP_TIMEOUT)

    def rotate(self):
        """A refresh that keeps the new pair."""
        r = self.refresh()
        if r.status_code == 200:
            self.access = r.json()["access_token"]
            self.refresh_token = r.cookies["refresh_token"]
        return r

    def call(self, method, path, body=None, token=None):
        return requests.request(
            method, self.site.url(path), json=body,
            headers={"Authorization": "Bearer " + (token or self.access)},
            timeout=HTTP_TIMEOUT)


def assert_refused(r, reason):
    assert r.status_code == 401, r.text
    assert r.headers["WWW-Authenticate"] == (
        f'Bearer error="invalid_token", error_description="{reason}"')
    assert r.json() == {"error": "invalid_token",
                        "error_description": reason}


def session_client(site, username, password):
    c = Client(site)
    assert c.login(username, password).status_code == 303
    return c


def post_form(c, page, path, **data):
    token = csrf_from(c.get(page).text)
    return c.post(path, data={"csrf": token, **data})


def signup(site, username):
    """The real S-S6 wizard, start to finish; returns the new user's id."""
    c = Client(site)
    token = csrf_from(c.get("/signup/details").text)
    r = c.post("/signup/details", data={
        "csrf": token, "username": username, "email": "u@example.com",
        "password": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 303, r.text
    code = re.search(r'<strong class="code">(\d{6})</strong>',
                     c.get("/signup/inbox").text).group(1)
    assert c.post("/signup/verify",
                  data={"csrf": token, "code": code}).status_code == 303
    r = c.post("/signup/agree", data={"csrf": token, "terms": "1",
                                      "privacy": "1"})
    assert r.status_code == 303, r.text
    c.close()
    return site.query("SELECT id FROM users WHERE username = ?",
                      (username,))[0][0]


def version_of(site, username):
    return site.query("SELECT token_version FROM users WHERE username = ?",
                      (username,))[0][0]


# ---- §1: reset -------------------------------------------------------------
def test_issue10_reset_never_reuses_ids_and_refuses_old_tokens(rsite):
    """Issue 10 §1 reproduction: mallory signs up and takes an access token,
    the admin resets the demo data, victim signs up. Victim gets a new id
    (AUTOINCREMENT), mallory's token reads and writes nothing, alice's token
    from before the reset is refused, and a token blacklisted before the
    reset stays refused (its blacklist row survives)."""
    mallory_id = signup(rsite, "mallory")
    tm = Device(rsite, "mallory", PASSWORD)
    assert tm.call("POST", "/api/notes", {"text": "mine"}).status_code == 201
    # After a refresh the first token is no longer its family's last one,
    # which the reset also blacklists: both must be refused.
    old = tm.access
    assert tm.rotate().status_code == 200
    alice = Device(rsite, "alice", "alice-password")
    listed = Device(rsite, "alice", "alice-password")
    r = listed.call("POST", "/api/auth/logout", {})
    assert r.status_code == 200 and r.json()["access_token_blacklisted"]
    assert_refused(listed.call("GET", "/api/me"), "revoked")
    jti = payload_of(listed.access)["jti"]

    admin = session_client(rsite, "admin", "admin-password")
    r = post_form(admin, "/session/admin", "/session/admin/reset",
                  confirm="1")
    assert r.status_code == 200
    assert "token version" in r.text or "토큰 버전" in r.text

    victim_id = signup(rsite, "victim")
    assert victim_id > mallory_id
    seq = rsite.query("SELECT seq FROM sqlite_sequence WHERE name='users'")
    assert seq == [(victim_id,)]
    assert_refused(tm.call("GET", "/api/notes", token=old), NO_ACCOUNT)
    assert_refused(tm.call("POST", "/api/notes", {"text": "into victim"},
                           token=old), NO_ACCOUNT)
    assert_refused(tm.call("POST", "/api/cart/add",
                           {"product_id": 1, "qty": 1}, token=old),
                   NO_ACCOUNT)
    assert_refused(tm.call("GET", "/api/notes"), NO_ACCOUNT)
    assert rsite.query("SELECT count(*) FROM notes") == [(0,)]
    assert rsite.query("SELECT count(*) FROM user_carts") == [(0,)]
    assert_refused(alice.call("GET", "/api/me"), SUPERSEDED)
    assert alice.refresh().status_code == 401
    assert_refused(listed.call("GET", "/api/me"), SUPERSEDED)
    assert rsite.blacklist_expires(jti) is not None
    # After the reset a fresh login works, with the new version.
    fresh = Device(rsite, "alice", "alice-password")
    assert payload_of(fresh.access)["ver"] == version_of(rsite, "alice") == 1
    assert fresh.call("GET", "/api/me").status_code == 200


# ---- §2: password change, log out everywhere, revoke-all ---------------------
def test_issue10_password_change_ends_refresh_and_access_tokens(rsite):
    """Issue 10 §2 reproduction, S-S7/S-J6: bob holds a refresh cookie and
    an access token, then changes his password on /session/password. The
    refresh answers 401, the access token is refused, the page reports all
    three credential kinds, and only the stateless endpoint (which reads no
    store: the cost the page names) still takes the old token."""
    dev = Device(rsite, "bob", "bob-password")
    other = session_client(rsite, "bob", "bob-password")
    me = session_client(rsite, "bob", "bob-password")
    alice = Device(rsite, "alice", "alice-password")
    r = post_form(me, "/session/password", "/session/password",
                  current="bob-password", password=NEW_PW, password2=NEW_PW)
    assert r.status_code == 200
    assert '<strong id="revoke-sessions">1</strong>' in r.text
    assert '<strong id="revoke-families">1</strong>' in r.text
    assert '<strong id="revoke-accounts">1</strong>' in r.text
    assert dev.refresh().status_code == 401
    assert_refused(dev.call("GET", "/api/me"), SUPERSEDED)
    assert_refused(dev.call("GET", "/api/notes"), SUPERSEDED)
    assert dev.call("GET", "/api/me/stateless").status_code == 200
    assert other.state()["authenticated"] is False
    assert me.state()["authenticated"] is True
    assert alice.call("GET", "/api/me").status_code == 200   # others keep
    assert alice.refresh().status_code == 200
    bob_id = rsite.query("SELECT id FROM users WHERE username = 'bob'")[0][0]
    fam = [f["revoked_reason"] for f in rsite.families(bob_id)]
    assert fam == ["password_change"]
    # The devices page shows it happened.
    page = me.get("/session/devices").text
    assert '<code id="devices-token-version">1</code>' in page
    assert 'id="devices-live-families">0<' in page
    assert "password change" in page or "비밀번호 변경" in page
    again = Device(rsite, "bob", NEW_PW)
    assert again.call("GET", "/api/me").status_code == 200
    fams = again.call("GET", "/api/auth/families").json()
    assert fams["account"]["token_version"] == 1
    assert fams["account"]["tokens_cut_reason"] == "password_change"


def test_issue10_admin_revoke_all_ends_jwt_credentials(rsite):
    """Issue 10 §2, S-S8: after the admin's revoke-all, alice's refresh
    token no longer refreshes and her access token is refused."""
    alice = Device(rsite, "alice", "alice-password")
    sess = session_client(rsite, "alice", "alice-password")
    admin = session_client(rsite, "admin", "admin-password")
    r = post_form(admin, "/session/admin", "/session/admin/revoke-all",
                  confirm="1")
    assert r.status_code == 200
    assert '<strong id="revoke-families">1</strong>' in r.text
    assert '<strong id="revoke-accounts">3</strong>' in r.text
    assert alice.refresh().status_code == 401
    assert_refused(alice.call("GET", "/api/me"), SUPERSEDED)
    assert sess.state()["authenticated"] is False
    assert [f for f in rsite.families() if f["revoked_at"] is None] == []


def test_issue10_log_out_everywhere_from_the_devices_page(rsite):
    """Issue 10 §2, S-S7: "log out everywhere" on /session/devices ends this
    browser's session, the others, the refresh families and the access
    tokens."""
    dev = Device(rsite, "alice", "alice-password")
    other = session_client(rsite, "alice", "alice-password")
    me = session_client(rsite, "alice", "alice-password")
    r = post_form(me, "/session/devices", "/session/devices/revoke-everywhere")
    assert r.status_code == 200
    assert sitectl.set_cookie_headers(r) == [sitectl.SID_EXPIRE]
    assert '<strong id="revoke-sessions">2</strong>' in r.text
    assert '<strong id="revoke-families">1</strong>' in r.text
    assert me.state()["authenticated"] is False
    assert other.state()["authenticated"] is False
    assert dev.refresh().status_code == 401
    assert_refused(dev.call("GET", "/api/me"), SUPERSEDED)


def test_issue10_api_logout_all_ends_sessions_too(rsite):
    """Issue 10 §2, S-J6: /api/auth/logout-all ends the user's server
    sessions as well as every family and access token."""
    dev = Device(rsite, "bob", "bob-password")
    second = Device(rsite, "bob", "bob-password")
    sess = session_client(rsite, "bob", "bob-password")
    r = dev.call("POST", "/api/auth/logout-all", {})
    assert r.status_code == 200
    body = r.json()
    assert (body["families_revoked"], body["sessions_ended"]) == (2, 1)
    assert sess.state()["authenticated"] is False
    assert_refused(second.call("GET", "/api/me"), SUPERSEDED)
    assert second.refresh().status_code == 401


def test_issue10_ids_survive_the_migration_with_autoincrement(rsite):
    """Issue 10 §1: the users table is AUTOINCREMENT, and deleting the
    newest account does not hand its id out again."""
    sql = rsite.query("SELECT sql FROM sqlite_master WHERE name='users'")
    assert "AUTOINCREMENT" in sql[0][0]
    first = signup(rsite, "gone_soon")
    db = sqlite3.connect(rsite.db_path, timeout=10)
    with db:
        db.execute("DELETE FROM users WHERE id = ?", (first,))
    db.close()
    assert signup(rsite, "next_one") == first + 1
