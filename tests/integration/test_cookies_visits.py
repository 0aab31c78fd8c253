"""S-C8 visit tracking: a random visitId cookie (Max-Age=2592000,
HttpOnly), a SQLite row per browser holding only the ID's hash, the count
growing, first and last visit, and a cleared cookie making a new visitor."""
import hashlib
import re

import pytest

from sitectl import Client, set_cookie_headers

VISIT_RE = re.compile(r"^visitId=([A-Za-z0-9_-]{22}); Max-Age=2592000; "
                      r"Path=/; HttpOnly; SameSite=Lax$")


def visit_id(r):
    lines = set_cookie_headers(r)
    assert len(lines) == 1, lines
    m = VISIT_RE.match(lines[0])
    assert m, lines[0]
    return m.group(1)


def count(r):
    m = re.search(r'<strong id="visit-count">(\d+)</strong>', r.text)
    assert m
    return int(m.group(1))


def row(site, vid):
    h = hashlib.blake2b(vid.encode(), digest_size=32).digest()
    rows = site.query("SELECT count, first_seen, last_seen FROM visits "
                      "WHERE id_hash = ?", (h,))
    return rows[0] if rows else None


def test_s_c8_count_grows_with_the_same_id(site):
    """S-C8: the first visit issues an ID and counts 1; each later visit
    resends the same ID (a fresh 30-day Max-Age) and counts one more."""
    c = Client(site)
    r1 = c.get("/visits")
    vid = visit_id(r1)
    assert count(r1) == 1
    assert "First visit" in r1.text
    assert row(site, vid)[0] == 1
    r2 = c.get("/visits")
    assert visit_id(r2) == vid
    assert count(r2) == 2
    assert set_cookie_headers(c.get("/")) == []      # only /visits counts
    r3 = c.get("/visits")
    assert visit_id(r3) == vid
    assert count(r3) == 3
    n, first, last = row(site, vid)
    assert n == 3 and first <= last


def test_s_c8_only_the_hash_is_stored(site):
    """S-C8: the table holds the BLAKE2b-256 hash, never the ID."""
    vid = visit_id(Client(site).get("/visits"))
    con = site.db()
    try:
        dump = "\n".join(str(tuple(x)) for x in con.execute(
            "SELECT * FROM visits"))
    finally:
        con.close()
    assert vid not in dump
    assert row(site, vid) is not None


def test_s_c8_cleared_cookie_is_a_new_visitor(site):
    """S-C8: without the cookie the server cannot know you: new ID, 1."""
    c = Client(site)
    vid = visit_id(c.get("/visits"))
    c.get("/visits")
    c.cookies.clear()
    r = c.get("/visits")
    assert visit_id(r) != vid
    assert count(r) == 1


@pytest.mark.parametrize("cookie", [
    "visitId=AAAAAAAAAAAAAAAAAAAAAA",          # well-formed, unknown
    "visitId=short", "visitId=" + "A" * 23, "visitId=<script>xx</script>",
    "visitId=' OR 1=1 --"])
def test_s_c8_made_up_id_is_never_adopted(site, cookie):
    """S-C8: an unknown or malformed visitId gets a fresh random ID; the
    value the browser chose is not stored or echoed."""
    r = Client(site).get("/visits", headers={"Cookie": cookie})
    assert r.status_code == 200
    vid = visit_id(r)
    assert vid != cookie.split("=", 1)[1]
    assert count(r) == 1
    assert "does not know it" in r.text
    assert "<script>xx" not in r.text


def test_s_c8_forget_deletes_row_and_cookie(site):
    """S-C8: "forget me" deletes the row and expires the cookie."""
    c = Client(site)
    vid = visit_id(c.get("/visits"))
    r = c.post("/visits/forget", headers={"Origin": site.origin})
    assert r.status_code == 303
    assert set_cookie_headers(r) == [
        "visitId=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"]
    assert row(site, vid) is None
    assert count(c.get("/visits")) == 1


@pytest.mark.parametrize("data,headers,status", [
    ({}, {"Origin": "http://evil.example"}, 403), ({}, {}, 403),
    ({"x": "1"}, "same", 400)])
def test_s_c8_forget_hostile(site, data, headers, status):
    """S-C8: forget from another origin, without one, or with an unknown
    field: 4xx and the record stays."""
    c = Client(site)
    vid = visit_id(c.get("/visits"))
    before = site.dump()
    h = {"Origin": site.origin} if headers == "same" else headers
    r = c.post("/visits/forget", data=data, headers=h)
    assert r.status_code == status
    assert set_cookie_headers(r) == []
    assert site.dump() == before
    assert row(site, vid) is not None


def test_s_c8_head_does_not_count_a_visit(site):
    """S-C8: HEAD is a safe method: it neither counts a visit nor hands out
    a visitId."""
    import requests
    before = site.query("SELECT count(*), coalesce(sum(count), 0) "
                        "FROM visits")[0]
    r = requests.head(site.url("/visits"), timeout=10)
    assert r.status_code == 200
    assert "Set-Cookie" not in r.headers
    assert site.query("SELECT count(*), coalesce(sum(count), 0) "
                      "FROM visits")[0] == before
