"""S-J10: where the refresh tokens live (article C §7, 「Refresh Token을
주로 Redis에서 관리하는 이유」), on both stores.

GET /api/auth/store answers what the store holds for the browser's
refresh cookie (the token's record, its family, the family's events, the
user's index of families) and for one access token's blacklist entry
(?jti=), with the read time, the node and the command line that opens the
store. The /jwt page draws it beside the six reasons of the article.
The figures asserted here are read back from the real store: the Redis
keys and their TTLs from the site's redis-server, the rows from the
SQLite file.
"""
import re
import time

import pytest
import requests

import sitectl
from sitectl import HTTP_TIMEOUT

STORES = sitectl.STORES     # on SQLite and on Redis (issue 12)

REFRESH_TTL = 1209600       # refresh_ttl(): 14 days by default
LEEWAY = 10                 # TOKEN_LEEWAY
ROLES = ["token", "family", "events", "index"]


def login(site, alg="RS256"):
    """A browser-like session logged in on the token API: (session, access
    token, the raw refresh token)."""
    s = requests.Session()
    r = s.post(site.url("/api/auth/login"), json={
        "username": "alice", "password": "alice-password", "alg": alg},
        headers={"Origin": site.origin}, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text
    raw = re.search(r"refresh_token=([A-Za-z0-9_-]{43});",
                    r.headers["Set-Cookie"]).group(1)
    return s, r.json()["access_token"], raw


def stored(site, session=None, **params):
    r = (session or requests).get(site.url("/api/auth/store"),
                                  params=params, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    return r.json()


def jti_of(token):
    import jwt as pyjwt
    return pyjwt.decode(token, options={"verify_signature": False})["jti"]


def by_role(answer):
    return {rec["role"]: rec for rec in answer["records"]}


def test_s_j10_store_shows_the_family_keys_as_the_store_holds_them(site,
                                                                   store):
    s, access, raw = login(site)
    before = int(time.time())
    got = stored(site, s)
    after = int(time.time())
    assert got["store"] == store
    assert [rec["role"] for rec in got["records"]] == ROLES
    assert got["node"] is None
    assert got["read_us"] > 0
    assert before <= got["now"] <= after + 1
    assert raw not in repr(got)          # only the hash, ever
    rec = by_role(got)
    hexhash = sitectl.sid_hash(raw).hex()
    if store == "redis":
        assert got["cli"] == f"redis-cli -s {site.redis_server.sock}"
        assert rec["token"]["key"] == f"refresh:{hexhash}"
        fid = rec["token"]["value"]["family"]
        assert rec["family"]["key"] == f"family:{fid}"
        assert rec["events"]["key"] == f"family:{fid}:events"
        assert rec["index"]["key"] == "user:1:families"
        assert [r["type"] for r in got["records"]] == \
            ["hash", "hash", "list", "zset"]
        r = site.redis()
        for k in ROLES:
            # the answer's TTL is Redis's own, a moment ago
            assert 0 <= rec[k]["ttl"] - r.ttl(rec[k]["key"]) <= 2, k
            assert REFRESH_TTL - 3 <= rec[k]["ttl"] <= REFRESH_TTL
        assert rec["token"]["value"] == {
            k.decode(): v.decode() for k, v in
            r.hgetall(rec["token"]["key"]).items()}
        assert rec["family"]["value"]["access_jti"] == jti_of(access)
        assert rec["family"]["value"]["revoked_at"] == "0"
        assert [m for m, _ in rec["index"]["value"]][0] == fid
        assert rec["index"]["size"] == r.zcard("user:1:families")
        assert '"kind":"login"' in rec["events"]["value"][0]
    else:
        assert got["cli"] == f"sqlite3 {site.db_path}"
        assert rec["token"]["key"] == \
            f"refresh_tokens WHERE hash = X'{hexhash}'"
        assert rec["token"]["value"]["hash"] == hexhash
        row = site.query("SELECT family_id, expires FROM refresh_tokens "
                         "WHERE hash = ?", (bytes.fromhex(hexhash),))[0]
        assert rec["token"]["value"]["family_id"] == row[0]
        assert rec["token"]["ttl"] == row[1] - got["now"]
        assert rec["family"]["key"] == f"refresh_families WHERE id = {row[0]}"
        assert rec["family"]["ttl"] is None      # no deadline is kept
        assert rec["family"]["value"]["access_jti"] == jti_of(access)
        assert rec["family"]["value"]["revoked_at"] is None
        assert rec["events"]["value"][0]["kind"] == "login"
        assert rec["index"]["key"] == "refresh_families WHERE user_id = 1"
        assert rec["index"]["value"][0]["id"] == row[0]
        assert [r["type"] for r in got["records"]] == \
            ["row", "row", "rows", "rows"]


def test_s_j10_rotation_moves_the_family_to_the_new_token(site, store):
    s, access, raw = login(site)
    first = by_role(stored(site, s))
    r = s.post(site.url("/api/auth/refresh"), json={"access_token": access},
               headers={"Origin": site.origin}, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text
    now = by_role(stored(site, s))
    assert now["token"]["key"] != first["token"]["key"]
    assert now["family"]["key"] == first["family"]["key"]
    assert now["events"]["size"] == 2
    if store == "redis":
        # the spent token's key stays until its own deadline: a replay is
        # recognised as one
        spent = site.redis().hgetall(first["token"]["key"])
        assert spent[b"spent"] == b"1"
        assert site.redis().ttl(first["token"]["key"]) > 0


def test_s_j10_logout_shows_the_blacklist_entry_living_until_exp(site,
                                                                 store):
    s, access, _raw = login(site)
    jti = jti_of(access)
    import jwt as pyjwt
    exp = pyjwt.decode(access, options={"verify_signature": False})["exp"]
    assert "blacklist" not in by_role(stored(site, s, jti=jti))
    r = s.post(site.url("/api/auth/logout"), json={},
               headers={"Origin": site.origin,
                        "Authorization": f"Bearer {access}"},
               timeout=HTTP_TIMEOUT)
    assert r.status_code == 200 and r.json()["access_token_blacklisted"]
    got = stored(site, s, jti=jti)
    # the refresh cookie is gone, so only the blacklist entry is left
    assert [rec["role"] for rec in got["records"]] == ["blacklist"]
    bl = got["records"][0]
    assert bl["ttl"] == exp + LEEWAY - got["now"]
    if store == "redis":
        assert bl["key"] == f"blacklist:{jti}"
        assert bl["type"] == "string" and bl["value"] == str(exp)
        assert 0 <= bl["ttl"] - site.redis().ttl(bl["key"]) <= 2
    else:
        assert bl["key"] == f"token_blacklist WHERE jti = '{jti}'"
        assert bl["value"] == {"jti": jti, "expires": exp}


@pytest.mark.parametrize("jti", [
    "' OR 1=1 --", "<script>alert(1)</script>", "é" * 10,
    "A" * 64, "", "blacklist:*"])
def test_s_j10_hostile_jti_reads_nothing(site, store, jti):
    got = stored(site, jti=jti)
    assert got["records"] == []


def test_s_j10_bad_requests_are_refused(site, store):
    r = requests.get(site.url("/api/auth/store"), params={"x": "1"},
                     timeout=HTTP_TIMEOUT)
    assert r.status_code == 400
    r = requests.get(site.url("/api/auth/store"),
                     params={"jti": "A" * 5000}, timeout=HTTP_TIMEOUT)
    assert r.status_code in (400, 414)
    # a NUL byte in the query: the front refuses it before any program
    r = requests.get(site.url("/api/auth/store"), params={"jti": "a\x00b"},
                     timeout=HTTP_TIMEOUT)
    assert r.status_code == 400
    # a cross-site page cannot read another visitor's... own keys
    s, _access, _raw = login(site)
    r = s.get(site.url("/api/auth/store"),
              headers={"Origin": "http://evil.example"},
              timeout=HTTP_TIMEOUT)
    assert r.status_code == 403
    # a forged or garbled refresh cookie leads to nothing
    for bad in ("A" * 43, "short", "x" * 500):
        r = requests.get(site.url("/api/auth/store"),
                         cookies={"refresh_token": bad},
                         timeout=HTTP_TIMEOUT)
        assert r.status_code == 200 and r.json()["records"] == []


def test_s_j10_jwt_page_carries_the_panel_and_six_reasons(site, store):
    r = requests.get(site.url("/jwt"), timeout=HTTP_TIMEOUT)
    assert r.status_code == 200
    assert f'<section id="jwt-store" data-store="{store}">' in r.text
    reasons = re.findall(r'<tr data-reason="([a-z]+)">', r.text)
    assert reasons == ["ttl", "speed", "devices", "blacklist", "shared",
                       "ops"]
    assert "S-J10" in r.text
    assert f"<code>{store}</code>" in r.text


def test_s_j10_redis_down_is_a_clear_503():
    with sitectl.private_site("store-down", store="redis",
                              check_log=False) as s:
        sess, _a, _r = login(s)
        s.redis_server.stop()
        r = sess.get(s.url("/api/auth/store"), timeout=HTTP_TIMEOUT)
        assert r.status_code == 503
        assert r.json()["error"] == "store_unavailable"
        s.redis_server.start()
        r = sess.get(s.url("/api/auth/store"), timeout=HTTP_TIMEOUT)
        assert r.status_code == 200
        assert [rec["role"] for rec in r.json()["records"]] == ROLES
