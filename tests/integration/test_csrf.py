"""CSRF defence on every state-changing POST (S-S1 login, S-S3 logout):
a session-bound token and an Origin check. Errors are HTML pages."""
from sitectl import (CSRF_RE, HTML_TYPE, error_callout, set_cookie_headers)

LOGIN = {"username": "alice", "password": "alice-password"}


def assert_forbidden(r, reason_en):
    assert r.status_code == 403
    assert r.headers["Content-Type"] == HTML_TYPE
    assert "<strong>403 Forbidden</strong>" in r.text
    assert reason_en in error_callout(r.text)
    assert "Location" not in r.headers


def test_s_s1_login_without_csrf_is_403(client, site):
    """S-S1 CSRF: POST /session/login without a token → 403, nothing
    changes (no rotation, no failure counted)."""
    client.login_form()
    sid = client.sid
    before = site.dump(normalise_touch=False)
    r = client.post("/session/login", data=LOGIN)
    assert_forbidden(r, "The CSRF token is missing")
    assert set_cookie_headers(r) == []
    assert client.sid == sid
    assert site.dump(normalise_touch=False) == before
    assert client.state()["authenticated"] is False


def test_s_s1_login_with_wrong_csrf_is_403(client):
    """S-S1 CSRF: a token of the right shape but wrong value → 403; so are
    an empty token and a truncated one."""
    token = client.login_form()
    wrong = ("A" if token[0] != "A" else "B") + token[1:]
    for bad in (wrong, "", token[:-1], token + "A"):
        r = client.post("/session/login", data=dict(LOGIN, csrf=bad))
        assert_forbidden(r, "The CSRF token is missing or belongs to "
                            "another session")
    assert client.state()["authenticated"] is False


def test_s_s1_login_with_other_sessions_csrf_is_403(new_client):
    """S-S1 CSRF: the token belongs to its session; another visitor's
    valid token is refused."""
    attacker, victim = new_client(), new_client()
    attacker_token = attacker.login_form()
    victim.login_form()
    r = victim.post("/session/login", data=dict(LOGIN, csrf=attacker_token))
    assert_forbidden(r, "belongs to another session")
    assert victim.state()["authenticated"] is False


def test_s_s1_login_without_session_cookie_is_403(new_client, site):
    """S-S1 CSRF: a POST with no session cookie at all → 403 (no session to
    check the token against); no session is created."""
    donor = new_client()
    token = donor.login_form()
    before = site.dump(normalise_touch=False)
    stranger = new_client()
    r = stranger.post("/session/login", data=dict(LOGIN, csrf=token))
    assert_forbidden(r, "There is no session to check the CSRF token "
                        "against")
    assert set_cookie_headers(r) == []
    assert site.dump(normalise_touch=False) == before


def test_s_s1_cross_origin_post_is_403_even_with_valid_token(client):
    """S-S1 CSRF: Origin: http://evil.example → 403 even with the right
    token and cookie; the site's own Origin is accepted."""
    token = client.login_form()
    r = client.post("/session/login", data=dict(LOGIN, csrf=token),
                    headers={"Origin": "http://evil.example"})
    assert_forbidden(r, "The request came from another origin")
    assert set_cookie_headers(r) == []
    # Same host, other scheme or port: still another origin.
    for origin in ("https://" + client.site.base.split("://")[1],
                   f"http://127.0.0.1:{client.site.port + 1}", "null"):
        r = client.post("/session/login", data=dict(LOGIN, csrf=token),
                        headers={"Origin": origin})
        assert r.status_code == 403, origin
    assert client.state()["authenticated"] is False
    r = client.post("/session/login", data=dict(LOGIN, csrf=token),
                    headers={"Origin": client.site.origin})
    assert r.status_code == 303


def test_s_s3_logout_without_csrf_is_403_and_session_survives(client, site):
    """S-S3 CSRF: POST /session/logout without the token → 403; the session
    still works afterwards."""
    assert client.login("alice", "alice-password").status_code == 303
    sid = client.sid
    r = client.post("/session/logout", data={})
    assert_forbidden(r, "The CSRF token is missing")
    assert set_cookie_headers(r) == []
    assert site.session_row(sid) is not None
    assert client.state()["authenticated"] is True
    assert client.get("/session/me").status_code == 200


def test_s_s3_logout_cross_origin_is_403(client, site):
    """S-S3 CSRF: a cross-site logout with a valid token is refused."""
    assert client.login("alice", "alice-password").status_code == 303
    token = CSRF_RE.search(client.get("/session/me").text).group(1)
    r = client.post("/session/logout", data={"csrf": token},
                    headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    assert client.state()["authenticated"] is True


def test_s_s8_token_changes_with_session_id(client):
    """S-S8: the token is bound to the session ID, so the pre-login token
    no longer works after login rotated the ID."""
    pre = client.login_form()
    assert client.post("/session/login",
                       data=dict(LOGIN, csrf=pre)).status_code == 303
    post = CSRF_RE.search(client.get("/session/me").text).group(1)
    assert post != pre
    r = client.post("/session/logout", data={"csrf": pre})
    assert r.status_code == 403
    assert client.state()["authenticated"] is True
    assert client.post("/session/logout",
                       data={"csrf": post}).status_code == 200
