"""Logout (S-S3): the server deletes the record and expires the cookie with
the same name, Path and attributes; a replayed old cookie is dead."""
import sitectl
from sitectl import (CSRF_RE, HTML_TYPE, SID_EXPIRE, main_part,
                     set_cookie_headers)

STORES = sitectl.STORES     # on SQLite and on Redis (issue 12)


def logged_in(client, user="alice"):
    assert client.login(user, f"{user}-password").status_code == 303
    r = client.get("/session/me")
    assert r.status_code == 200
    return CSRF_RE.search(r.text).group(1)


def test_s_s3_logout_deletes_row_and_expires_cookie(client, site):
    """S-S3: POST /session/logout with the CSRF token answers 200 with the
    logout page and exactly `Set-Cookie: sid=; Max-Age=0; Path=/; HttpOnly;
    SameSite=Lax`; the row is gone."""
    token = logged_in(client)
    sid = client.sid
    assert site.session_row(sid) is not None
    r = client.post("/session/logout", data={"csrf": token})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == HTML_TYPE
    assert set_cookie_headers(r) == [
        "sid=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"]
    assert set_cookie_headers(r) == [SID_EXPIRE]
    assert "Location" not in r.headers
    main = main_part(r.text)
    assert "Goodbye, <strong>alice</strong>" in main
    assert '<a class="button" href="/session/login">' in main
    assert site.session_row(sid) is None
    assert client.sid is None            # the jar applied Max-Age=0


def test_s_s3_replayed_cookie_after_logout_is_dead(client, site):
    """S-S3: replaying the old cookie after logout is not recognised, and
    the response to the replay expires the cookie again."""
    token = logged_in(client, "bob")
    sid = client.sid
    assert client.post("/session/logout",
                       data={"csrf": token}).status_code == 200
    r = client.get("/session/state", cookies=False,
                   headers={"Cookie": f"sid={sid}"})
    assert r.status_code == 200
    assert r.json() == {"authenticated": False, "user": None,
                        "session": None}
    assert set_cookie_headers(r) == [SID_EXPIRE]
    r = client.get("/session/me", cookies=False,
                   headers={"Cookie": f"sid={sid}"})
    assert r.status_code == 401
    assert set_cookie_headers(r) == [SID_EXPIRE]
    # The replay did not resurrect anything.
    assert site.session_row(sid) is None


def test_s_s3_logout_page_shows_expiring_set_cookie(client):
    """S-S3 wire view: the logout page shows the exact expiring Set-Cookie
    line it sent, and the Cookie it received."""
    token = logged_in(client)
    sid = client.sid
    r = client.post("/session/logout", data={"csrf": token})
    assert ('<span class="hname">Set-Cookie:</span> '
            'sid=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax</pre>') in r.text
    assert f'<span class="hname">Cookie:</span> sid={sid}</pre>' in r.text
    assert "<code>Max-Age=0</code>" in r.text


def test_s_s3_logout_of_guest_session(client, site):
    """S-S3: logging out a guest session (not logged in) also deletes the
    row and expires the cookie; the page has no 'Goodbye'."""
    token = client.login_form()
    sid = client.sid
    r = client.post("/session/logout", data={"csrf": token})
    assert r.status_code == 200
    assert set_cookie_headers(r) == [SID_EXPIRE]
    assert "Goodbye" not in r.text
    assert site.session_row(sid) is None


def test_s_s3_logout_rejects_unknown_field(client, site):
    """S-S3: logout takes only csrf; an extra field is 400 and the session
    survives."""
    token = logged_in(client)
    r = client.post("/session/logout", data={"csrf": token, "all": "1"})
    assert r.status_code == 400
    assert set_cookie_headers(r) == []
    assert site.session_row(client.sid) is not None
    assert client.state()["authenticated"] is True
