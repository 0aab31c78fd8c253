"""S-S10 where sessions live (/session/stores): node memory, the SQLite
file and Redis side by side (survives a program restart, a machine
restart, shared by several nodes, expires by itself, the lookup cost
measured with the code of /lab/costs), and the visitor's own session as
the store holds it beside what the other store would hold. With Redis as
the store the wire view names the Redis key and its TTL, and /lab/costs
adds the Redis lookup; on SQLite both pages say Redis is not running here
and give `make run SESSION_STORE=redis`.

The SQLite cases run on the shared `site`; the Redis cases on a private
site with its own redis-server (sitectl.private_site(store="redis"))."""
import re
import time

import pytest

import sitectl
from sitectl import Client, csrf_from

QUESTIONS = ["q-program", "q-machine", "q-shared", "q-expires", "q-cost"]
NO_REDIS_EN = ("Redis is not running here: this site keeps its sessions in "
               "the SQLite file. To measure Redis too, start the site with "
               "<code>make run SESSION_STORE=redis</code>.")
SQLITE_COLUMNS = ["id_hash", "user_id", "created", "last_seen", "idle_ttl",
                  "idle_expires", "absolute_expires", "persistent",
                  "user_agent", "client_addr", "data"]
REDIS_FIELDS = ["user", "created", "last_seen", "idle_ttl", "idle_exp",
                "abs_exp", "persistent", "ua", "addr", "data"]


def main_part(html):
    """The page without the wire view (which alone shows the cookie)."""
    return html.split('<section class="wire"', 1)[0]


def record(html, which):
    """(store, key, {name: value}, ttl) of the record box `which`."""
    m = re.search(r'<article class="card stores-record" id="record-'
                  + which + r'" data-store="(\w+)">(.*?)</article>',
                  html, re.S)
    assert m, which
    body = m.group(2)
    fields = dict(re.findall(
        r'<tr><th><code>([a-z_]+)</code></th><td><code>([^<]*)</code></td>'
        r'</tr>', body))
    ttl = int(re.search(r'<span class="ttl" data-ttl="(-?\d+)">(-?\d+)'
                        r'</span> s', body).group(1))
    key = re.search(r'class="rec-key">([^<]+)<', body).group(1)
    return m.group(1), key, fields, ttl


def figure(html, cell):
    m = re.search(r'id="cost-' + cell + r'"><strong>([0-9.]+) µs</strong>'
                  r' · (\d+) ×</td>', html)
    assert m, cell
    return float(m.group(1)), int(m.group(2))


def unescape(s):
    return (s.replace("&quot;", '"').replace("&#39;", "'")
            .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))


# ---- SQLite, the default store ------------------------------------------

def test_s_s10_page_on_sqlite_compares_the_three_stores(site):
    c = Client(site)
    r = c.get("/session/stores")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == sitectl.HTML_TYPE
    html = r.text
    assert "<title>Where sessions live · " in html
    assert '<span class="ids">S-S10</span>' in html
    for q in QUESTIONS:
        assert f'<tr id="{q}">' in html, q
    # three columns; the SQLite one is this site's
    assert re.search(r'<th scope="col" id="col-sqlite">SQLite file '
                     r'<span class="here">this site</span></th>', html)
    assert '<th scope="col" id="col-redis">Redis</th>' in html
    assert '<th scope="col" id="col-node">Node memory</th>' in html
    assert ("This site keeps its sessions in the SQLite file now (the "
            "default). Redis is not running here.") in html
    assert NO_REDIS_EN in html
    # nothing measured yet; Redis cannot be
    assert 'id="cost-node">not measured yet</td>' in html
    assert 'id="cost-sqlite">not measured yet</td>' in html
    assert 'id="cost-redis">Redis is not running here</td>' in html
    # the answers are words, not only colours
    assert re.search(r'<tr id="q-expires">.*?<strong class="mark bad">No'
                     r'</strong>.*?<strong class="mark bad">No</strong>.*?'
                     r'<strong class="mark ok">Yes</strong>', html, re.S)
    c.close()


def test_s_s10_sqlite_record_is_the_sessions_row(site):
    c = Client(site)
    html = c.get("/session/stores").text
    sid = c.sid
    hexhash = sitectl.sid_hash(sid).hex()
    row = site.session_row(sid)
    store, key, fields, ttl = record(html, "current")
    assert (store, key) == ("sqlite", hexhash)
    assert list(fields) == SQLITE_COLUMNS
    assert fields["id_hash"] == hexhash
    assert fields["user_id"] == "NULL"                # a guest
    for col in ("created", "last_seen", "idle_ttl", "idle_expires",
                "absolute_expires", "persistent"):
        assert fields[col] == str(row[col]), col
    assert fields["data"] == "{}"
    assert ttl == row["idle_expires"] - row["last_seen"] == 1800
    assert "Table <code>sessions</code>, <code>id_hash = X'<span " \
           f"class=\"rec-key\">{hexhash}</span>'</code>" in html
    cmd = re.search(r'<pre class="raw">(sqlite3 [^<]+)</pre>', html)
    assert unescape(cmd.group(1)) == (
        f"sqlite3 {site.db_path} \\\n  \"SELECT hex(id_hash), user_id, "
        f"idle_expires, data FROM sessions WHERE id_hash = X'{hexhash}'\"")
    # where the Redis key would be, and what it would hold
    store, key, other, ottl = record(html, "other")
    assert (store, key) == ("redis", "session:" + hexhash)
    assert list(other) == REDIS_FIELDS
    assert other["user"] == "0" and other["idle_exp"] == \
        str(row["idle_expires"]) and other["ua"] == row["user_agent"]
    assert ottl == ttl
    # the raw ID appears only in the wire view
    assert sid not in main_part(html)
    assert f"sid={sid}" in html
    c.close()


def test_s_s10_logged_in_record_names_the_user(site):
    c = Client(site)
    assert c.login("alice", "alice-password").status_code == 303
    html = c.get("/session/stores").text
    _, _, fields, _ = record(html, "current")
    row = site.session_row(c.sid)
    assert fields["user_id"] == str(row["user_id"]) != "NULL"
    assert '"rotated_from"' in unescape(fields["data"])
    _, _, other, _ = record(html, "other")
    assert other["user"] == fields["user_id"]
    c.close()


def test_s_s10_measure_on_sqlite(site):
    c = Client(site, accept_language="en")
    token = csrf_from(c.get("/session/stores").text)
    before = site.query("SELECT count(*) FROM sessions")[0][0]
    r = c.post("/session/stores", data={"csrf": token})
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"] == sitectl.HTML_TYPE
    node_us, node_n = figure(r.text, "node")
    sqlite_us, sqlite_n = figure(r.text, "sqlite")
    assert node_n == sqlite_n == 2000
    assert 0 < node_us < sqlite_us       # memory needs no SQL
    assert 'id="cost-redis">Redis is not running here</td>' in r.text
    assert site.query("SELECT count(*) FROM sessions")[0][0] == before
    c.close()


def test_s_s10_measure_needs_csrf_and_no_fields(site):
    c = Client(site)
    html = c.get("/session/stores").text
    assert c.post("/session/stores", data={}).status_code == 403
    assert c.post("/session/stores",
                  data={"csrf": csrf_from(html), "x": "1"}).status_code == 400
    r = c.request("PUT", "/session/stores")
    assert r.status_code == 405
    assert r.headers["Allow"] == "GET, HEAD, POST"
    c.close()


def test_s_s10_in_korean(site):
    c = Client(site, accept_language="ko")
    html = c.get("/session/stores").text
    assert "<title>세션은 어디에 둘까 · " in html
    assert '<p lang="ko">이 서버에서는 Redis가 돌고 있지 않습니다.' in html
    assert "<code>make run SESSION_STORE=redis</code>" in html
    assert "SQLite — 지금 들어 있는 것" in html
    assert "Redis — 같은 세션이라면 이렇게 들어갑니다" in html
    c.close()


def test_s_s10_is_linked_from_home_and_the_session_pages(site):
    c = Client(site)
    assert 'href="/session/stores"' in c.get("/").text
    assert 'href="/session/stores"' in c.get("/session/login").text
    c.login("alice", "alice-password")
    assert 'href="/session/stores"' in c.get("/session/me").text
    # the wire view's stored panel links it on every page with a session
    assert '<p class="wire-stores"><a href="/session/stores">' in \
        c.get("/cart").text
    c.close()


def test_s_s10_sqlite_wire_view_keeps_the_sessions_row(site):
    c = Client(site)
    html = c.get("/session/stores").text
    c.close()
    assert "<caption>the <code>sessions</code> table</caption>" in html
    assert 'id="wire-redis"' not in html


def test_s_s10_costs_page_says_redis_is_not_running(site):
    c = Client(site, accept_language="en")
    html = c.get("/lab/costs").text
    assert '<div class="callout" id="costs-no-redis">' in html
    assert NO_REDIS_EN in html
    r = c.post("/lab/costs", data={"csrf": csrf_from(html)})
    assert r.status_code == 200
    assert re.search(r'<tr id="cost-node_lookup"><th scope="row">Look up a '
                     r'session \(node memory\)</th><td class="num">'
                     r'[0-9.]+</td><td class="num">2000</td>', r.text)
    assert ('<tr id="cost-redis_lookup"><th scope="row">Look up a session '
            '(Redis)</th><td class="num">—</td><td class="num">0</td>'
            '<td class="what">Not measured: no Redis here (see below).'
            '</td></tr>') in r.text
    c.close()


def test_s_s10_ttl_countdown_script_is_the_sites_own(site):
    r = Client(site).get("/static/js/wire.js")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/javascript") or \
        r.headers["Content-Type"].startswith("application/javascript")
    assert 'querySelectorAll("[data-ttl]")' in r.text
    html = Client(site).get("/session/stores").text
    assert '<script src="/static/js/wire.js" defer></script>' in html
    assert "<script>" not in html and "cdn" not in html.lower()


# ---- Redis as the store ---------------------------------------------------

@pytest.fixture(scope="module")
def redis_site():
    with sitectl.private_site("stores-redis", store="redis") as s:
        yield s


def session_keys(rc):
    return sorted(k.decode() for k in rc.scan_iter("session:*"))


def test_s_s10_page_on_redis_shows_the_key_and_its_ttl(redis_site):
    assert redis_site.store == "redis"
    rc = redis_site.redis()
    c = Client(redis_site, accept_language="en")
    r = c.get("/session/stores")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == sitectl.HTML_TYPE
    html = r.text
    sid = c.sid
    hexhash = sitectl.sid_hash(sid).hex()
    key = "session:" + hexhash
    assert ("This site keeps its sessions in Redis now (<code>SESSION_STORE"
            "=redis</code>).") in html
    assert re.search(r'<th scope="col" id="col-redis">Redis <span '
                     r'class="here">this site</span></th>', html)
    assert 'id="stores-no-redis"' not in html
    assert NO_REDIS_EN not in html
    assert 'id="cost-redis">not measured yet</td>' in html
    store, shown_key, fields, ttl = record(html, "current")
    assert (store, shown_key) == ("redis", key)
    held = {k.decode(): v.decode() for k, v in rc.hgetall(key).items()}
    assert fields == held
    assert list(fields)[:len(REDIS_FIELDS)] == REDIS_FIELDS
    assert fields["ver"] == "1" and fields["user"] == "0"
    # the TTL Redis gave at render time, counting down from there
    assert 1795 <= ttl <= 1800
    assert ttl - 2 <= rc.ttl(key) <= ttl
    cmd = re.search(r'<pre class="raw">(redis-cli [^<]+)</pre>', html)
    assert cmd and f"HGETALL {key}\n" in cmd.group(1) and \
        cmd.group(1).endswith(f"TTL {key}")
    # beside it, the sessions row SQLite would hold; nothing is in SQLite
    store, other_key, row, ottl = record(html, "other")
    assert (store, other_key) == ("sqlite", hexhash)
    assert list(row) == SQLITE_COLUMNS
    assert row["user_id"] == "NULL" and \
        row["idle_expires"] == fields["idle_exp"]
    assert redis_site.query("SELECT count(*) FROM sessions")[0][0] == 0
    assert sid not in main_part(html)
    c.close()


def test_s_s10_redis_wire_view_names_the_key_and_ttl(redis_site):
    rc = redis_site.redis()
    c = Client(redis_site, accept_language="en")
    c.get("/cart")
    key = "session:" + sitectl.sid_hash(c.sid).hex()
    html = c.get("/cart").text
    assert f'<code id="wire-redis-key">{key}</code>' in html
    ttl = int(re.search(r'<span class="ttl" id="wire-redis-ttl" '
                        r'data-ttl="(\d+)">\d+</span> s', html).group(1))
    assert ttl - 2 <= rc.ttl(key) <= ttl <= 1800
    assert "<caption>Redis <code>HASH</code></caption>" in html
    assert "<code>sessions</code> table</caption>" not in html
    assert ("<tr><th>version (<code>ver</code>)</th><td>"
            f"{rc.hget(key, 'ver').decode()}</td></tr>") in html
    c.close()


def test_s_s10_redis_login_moves_the_key_and_names_the_user(redis_site):
    rc = redis_site.redis()
    c = Client(redis_site, accept_language="en")
    c.get("/session/login")
    guest_key = "session:" + sitectl.sid_hash(c.sid).hex()
    assert rc.exists(guest_key)
    assert c.login("bob", "bob-password").status_code == 303
    hexhash = sitectl.sid_hash(c.sid).hex()
    assert not rc.exists(guest_key)             # S-S8: a new ID, a new key
    html = c.get("/session/stores").text
    _, key, fields, _ = record(html, "current")
    assert key == "session:" + hexhash
    uid = fields["user"]
    assert uid != "0"
    assert rc.sismember(f"user:{uid}:sessions", hexhash)
    _, _, row, _ = record(html, "other")
    assert row["user_id"] == uid
    c.close()


def test_s_s10_measure_on_redis(redis_site):
    rc = redis_site.redis()
    c = Client(redis_site, accept_language="en")
    token = csrf_from(c.get("/session/stores").text)
    keys = session_keys(rc)
    r = c.post("/session/stores", data={"csrf": token})
    assert r.status_code == 200, r.text[:300]
    node_us, _ = figure(r.text, "node")
    sqlite_us, _ = figure(r.text, "sqlite")
    redis_us, redis_n = figure(r.text, "redis")
    assert redis_n == 2000 and redis_us > 0
    assert node_us < redis_us        # a round trip costs more than memory
    # the throwaway sessions are gone from both stores
    assert session_keys(rc) == keys
    assert redis_site.query("SELECT count(*) FROM sessions")[0][0] == 0
    c.close()


def test_s_s10_costs_page_has_a_redis_row(redis_site):
    c = Client(redis_site, accept_language="en")
    html = c.get("/lab/costs").text
    assert 'id="costs-no-redis"' not in html
    r = c.post("/lab/costs", data={"csrf": csrf_from(html)})
    assert r.status_code == 200, r.text[:300]
    m = re.search(r'<tr id="cost-redis_lookup"><th scope="row">Look up a '
                  r'session \(Redis\)</th><td class="num">([0-9.]+)</td>'
                  r'<td class="num">(\d+)</td>', r.text)
    assert m and float(m.group(1)) > 0 and m.group(2) == "2000"
    assert re.search(r'<tr id="cost-session_lookup"><th scope="row">Look up '
                     r'a session \(SQLite\)</th><td class="num">[0-9.]+</td>'
                     r'<td class="num">2000</td>', r.text)
    assert redis_site.query("SELECT count(*) FROM sessions")[0][0] == 0
    c.close()


def test_s_s10_redis_ttl_runs_down_between_requests(redis_site):
    """The TTL is Redis's own: it falls while nothing happens and is moved
    forward again by the next request (the idle deadline)."""
    rc = redis_site.redis()
    c = Client(redis_site)
    c.get("/session/stores")
    key = "session:" + sitectl.sid_hash(c.sid).hex()
    first = rc.ttl(key)
    time.sleep(2.2)
    assert rc.ttl(key) <= first - 2
    _, _, _, shown = record(c.get("/session/stores").text, "current")
    assert shown >= first - 1 and rc.ttl(key) >= shown - 1
    c.close()
