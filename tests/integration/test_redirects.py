"""The `next` parameter of the login (S-S1): only local paths are followed;
anything that could leave the site or inject headers falls back to
/session/me."""
import pytest

from sitectl import SID_COOKIE_RE, set_cookie_headers

UNSAFE = [
    "https://evil.example",
    "http://evil.example/session/me",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "/%0d%0aSet-Cookie:x",          # the text itself, percent signs and all
    "/\r\nSet-Cookie: x=1",         # a real CR LF after form decoding
    "/session/me\r\nSet-Cookie: x=1",
    "/session//evil.example",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", UNSAFE)
def test_s_s1_open_redirect_refused(client, target):
    """S-S1: after a successful login an unsafe next is ignored: Location is
    exactly /session/me and no extra header or cookie slipped in."""
    r = client.login("alice", "alice-password", next_=target)
    assert r.status_code == 303
    assert r.headers["Location"] == "/session/me"
    lines = set_cookie_headers(r)
    assert len(lines) == 1 and SID_COOKIE_RE.match(lines[0]), lines
    assert r.raw.headers.getlist("Location") == ["/session/me"]


@pytest.mark.parametrize("target", ["/session/state", "/", "/session/me",
                                    "/session/state?x=1"])
def test_s_s1_local_next_followed(client, target):
    """S-S1: a local path is followed as it is."""
    r = client.login("alice", "alice-password", next_=target)
    assert r.status_code == 303
    assert r.headers["Location"] == target


def test_s_s1_login_form_carries_safe_next_only(client):
    """S-S1: GET /session/login?next=... puts a safe next in the form as a
    hidden field and drops an unsafe one."""
    r = client.get("/session/login?next=/session/state")
    assert r.status_code == 200
    assert '<input type="hidden" name="next" value="/session/state">' in r.text
    r = client.get("/session/login?next=https://evil.example")
    assert r.status_code == 200
    assert 'name="next"' not in r.text
    assert "evil.example" not in r.text.split("<section class=\"wire\"")[0]


def test_s_s1_failed_login_keeps_safe_next(client):
    """S-S1: a failed login shows the form again with the same safe next."""
    r = client.login("alice", "wrong-password", next_="/session/state")
    assert r.status_code == 401
    assert '<input type="hidden" name="next" value="/session/state">' in r.text
    # ...so the retry goes where the visitor wanted.
    r = client.login("alice", "alice-password", next_="/session/state")
    assert r.headers["Location"] == "/session/state"
