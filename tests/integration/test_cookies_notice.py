"""S-C7 "don't show again today": the home page's notice sets a cookie
that Expires at the next local midnight in the server's TZ (computed here
independently with zoneinfo), or a session cookie without the box."""
import re
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import pytest

import sitectl
from sitectl import Client, set_cookie_headers

EXPIRES_RE = re.compile(r"^hideNotice=today; Expires=(.+ GMT); Path=/; "
                        r"SameSite=Lax$")


@pytest.fixture(scope="module", params=["Asia/Seoul", "America/New_York"])
def tz_site(request):
    with sitectl.private_site("tz", extra_env={"TZ": request.param}) as s:
        s.tz = request.param
        yield s


def next_midnight_gmt(tz, now):
    local = datetime.fromtimestamp(now, ZoneInfo(tz))
    m = datetime(local.year, local.month, local.day,
                 tzinfo=ZoneInfo(tz)) + timedelta(days=1)
    # Re-attach the zone so the offset is the one in force at midnight.
    m = m.replace(tzinfo=None).replace(tzinfo=ZoneInfo(tz))
    return format_datetime(m.astimezone(timezone.utc), usegmt=True)


def hide(site, c, today=True):
    data = {"today": "1"} if today else {}
    return c.post("/notice/hide-today", data=data,
                  headers={"Origin": site.origin})


def test_s_c7_expires_at_next_local_midnight(tz_site):
    """S-C7: Expires is the next midnight in TZ, written in GMT (Seoul:
    15:00 GMT; New York: 04:00 or 05:00 GMT)."""
    c = Client(tz_site)
    before = time.time()
    r = hide(tz_site, c)
    after = time.time()
    assert r.status_code == 303
    assert r.headers["Location"] == "/notice/"
    lines = set_cookie_headers(r)
    assert len(lines) == 1
    m = EXPIRES_RE.match(lines[0])
    assert m, lines[0]
    assert m.group(1) in {next_midnight_gmt(tz_site.tz, before),
                          next_midnight_gmt(tz_site.tz, after)}
    if tz_site.tz == "Asia/Seoul":
        assert m.group(1).endswith(" 15:00:00 GMT")
    page = c.get("/notice/").text
    assert f'<code id="notice-tz">{tz_site.tz}</code>' in page
    assert f'<code id="notice-gmt">{m.group(1)}</code>' in page
    assert 'id="notice-local">' in page and " 00:00:00 " in page


def test_s_c7_utc_site_midnight(site):
    """S-C7 on the main test site (TZ=UTC): midnight GMT."""
    r = hide(site, Client(site))
    m = EXPIRES_RE.match(set_cookie_headers(r)[0])
    assert m and m.group(1).endswith(" 00:00:00 GMT")


def test_s_c7_notice_hidden_then_shown_again(site):
    """S-C7: the home page shows the notice until the cookie exists; the
    reset expires it."""
    c = Client(site)
    assert 'id="notice"' in c.get("/").text
    hide(site, c)
    assert 'id="notice"' not in c.get("/").text
    r = c.post("/notice/reset", headers={"Origin": site.origin})
    assert r.status_code == 303
    assert set_cookie_headers(r) == [
        "hideNotice=; Max-Age=0; Path=/; SameSite=Lax"]
    assert 'id="notice"' in c.get("/").text


def test_s_c7_close_without_box_is_a_session_cookie(site):
    """S-C7: closing without "today" hides the notice until the browser
    closes: no Expires, no Max-Age."""
    c = Client(site)
    r = hide(site, c, today=False)
    assert set_cookie_headers(r) == [
        "hideNotice=session; Path=/; SameSite=Lax"]
    assert 'id="notice"' not in c.get("/").text
    assert "until the browser closes" in c.get("/notice/").text


@pytest.mark.parametrize("cookie", ["hideNotice=yes", "hideNotice=",
                                    "hideNotice=<b>"])
def test_s_c7_unknown_cookie_value_shows_notice(site, cookie):
    """S-C7: only the two values the server sets hide the notice."""
    r = Client(site).get("/", headers={"Cookie": cookie})
    assert 'id="notice"' in r.text


@pytest.mark.parametrize("data,headers,status", [
    ({"today": "2"}, "same", 400), ({"today": "1", "x": "1"}, "same", 400),
    ({"today": "1"}, {"Origin": "http://evil.example"}, 403),
    ({"today": "1"}, {}, 403)])
def test_s_c7_hostile_input(site, data, headers, status):
    """S-C7: a bad field, an unknown field, a foreign or missing origin:
    4xx, no cookie, nothing stored."""
    before = site.dump()
    h = {"Origin": site.origin} if headers == "same" else headers
    r = Client(site).post("/notice/hide-today", data=data, headers=h)
    assert r.status_code == status
    assert set_cookie_headers(r) == []
    assert site.dump() == before
