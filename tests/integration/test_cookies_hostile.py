"""Hostile input on every form of the cookie lessons (S-H1, S-C1..S-C9):
another origin, no origin, a JSON body, a repeated field, an unknown
field, a NUL byte, an oversized field. Each gets one exact 4xx, sends no
Set-Cookie, and leaves every table as it was (a dump before and after)."""
import pytest

import sitectl
from sitectl import HTML_TYPE, build_request, raw_request

# Every POST route of the cookies program with one valid form body.
FORMS = {
    "/prefs": "theme=dark",
    "/notice/hide-today": "today=1",
    "/notice/reset": "",
    "/visits/forget": "",
    "/lab/set": "name=demo&value=v",
    "/lab/clear": "",
    "/cookies/hello/remember": "name=kim",
    "/cookies/hello/forget": "",
    "/cookies/lifetime/set": "",
    "/cookies/lifetime/clear": "",
    "/lab/limits/big": "size=100",
    "/lab/limits/many": "first=1",
    "/lab/limits/fill": "",
    "/lab/limits/clear": "",
    "/cookies/clear-lab": "",
    "/cookies/tamper/login": "username=alice",
    "/cookies/tamper/logout": "",
    "/cookies/samesite/set": "",
}

FORM = "application/x-www-form-urlencoded"


def send(site, path, body: bytes, headers):
    h = {"Content-Type": FORM}
    h.update(headers)
    return raw_request(site, build_request(site, "POST", path, h, body))


def check(site, path, body, headers, status):
    before = site.dump()
    got, hdrs, payload = send(site, path, body, headers)
    assert got == status, (path, got, payload[:300])
    assert hdrs.get_all("Set-Cookie") is None
    assert site.dump() == before
    if hdrs.get("Content-Type") == HTML_TYPE:
        assert f"<strong>{status} ".encode() in payload


@pytest.mark.parametrize("path", sorted(FORMS))
def test_s_c_valid_form_is_accepted(site, path):
    """The control row: the same body from this origin succeeds."""
    got, _h, payload = send(site, path, FORMS[path].encode(),
                            {"Origin": site.origin})
    assert got in (200, 303), (path, got, payload[:300])


@pytest.mark.parametrize("path", sorted(FORMS))
@pytest.mark.parametrize("origin", ["http://evil.example", "null",
                                    "http://localhost:1", None])
def test_s_c_foreign_or_missing_origin_is_403(site, path, origin):
    headers = {"Origin": origin} if origin else {}
    check(site, path, FORMS[path].encode(), headers, 403)


@pytest.mark.parametrize("path", sorted(FORMS))
@pytest.mark.parametrize("kind", ["json", "repeated", "unknown", "nul",
                                  "big", "bad-pct"])
def test_s_c_malformed_body_is_4xx(site, path, kind):
    body = FORMS[path].encode()
    headers = {"Origin": site.origin}
    status = 400
    if kind == "json":
        headers["Content-Type"] = "application/json"
        body = b'{"theme": "dark"}'
    elif kind == "repeated":
        body = (body + b"&" if body else b"") + b"csrf=a&csrf=b"
    elif kind == "unknown":
        body = (body + b"&" if body else b"") + b"sneaky=1"
    elif kind == "nul":
        body = (body + b"&" if body else b"") + b"csrf=%00"
    elif kind == "big":
        body = b"csrf=" + b"x" * 9000
        status = 413
    elif kind == "bad-pct":
        body = b"csrf=%zz"
    check(site, path, body, headers, status)


def test_s_c9_echo_takes_foreign_posts_and_changes_nothing(site):
    """S-C9: the echo page is the other site's target: a foreign POST is
    answered (200), with no cookie and no change."""
    before = site.dump()
    got, hdrs, _p = send(site, "/cookies/samesite/echo", b"from=x",
                         {"Origin": "http://localhost:1"})
    assert got == 200
    assert hdrs.get_all("Set-Cookie") is None
    assert site.dump() == before
    got, _h, _p = send(site, "/cookies/samesite/echo", b"evil=1",
                       {"Origin": "http://localhost:1"})
    assert got == 400
