"""S-X3 scale-out (/lab/scale, cgi-bin/scale.c): one program run as two
nodes (two processes). A node-local session is known only to the node
that made it; the site's own session (SQLite, shared) and a JWT are known
to both. Exact cookies, the visitor-form guard, bad input, logout."""
import re

import pytest
import requests

from sitectl import HTTP_TIMEOUT, Client, csrf_from, set_cookie_headers

SCALE_SID = re.compile(
    r"^scale_sid=([A-Za-z0-9_-]{43}); Max-Age=1800; Path=/lab/scale; "
    r"HttpOnly; SameSite=Lax$")


def open_page(site):
    c = Client(site)
    r = c.get("/lab/scale")
    assert r.status_code == 200, r.text[:300]
    return c, csrf_from(r.text)


def node_login(site, c, tok, node, user="alice", password=None,
               origin=None):
    return c.post(f"/lab/scale/{node}/login",
                  data={"username": user,
                        "password": password or f"{user}-password",
                        "csrf": tok},
                  headers={"Origin": origin or site.origin})


def me(c, node, **kw):
    r = c.get(f"/lab/scale/{node}/me", **kw)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    return r.json()


def test_s_x3_page_teaches_the_three_stores(site):
    c, tok = open_page(site)
    html = c.last.text
    c.cookies["lang"] = "ko"
    ko = c.get("/lab/scale").text
    assert '<span class="ids">S-X3</span>' in html
    # The article is named in words, not by its file (issue 15 §12).
    assert "001 §" not in html
    assert ("the article that opens with “1. Cookie”, sections 2-4 "
            "(the problems of sessions)") in html
    # One language a page (issue 14): the Korean on the Korean page only.
    assert ("「1. 쿠키(Cookie)」로 시작하는 글의 2장 4절(세션의 문제점)과 "
            "5절(문제점 해결)") in ko
    assert "「1. 쿠키(Cookie)」" not in html
    assert "the article that opens with" not in ko
    assert 'formaction="/lab/scale/a/login"' in html
    assert 'formaction="/lab/scale/b/login"' in html
    assert '<a href="/lab/scale/a/me" id="scale-me-a">' in html
    assert "Sticky sessions send a user to the same node every time" in html
    assert "스티키 세션" in ko and "스티키 세션" not in html
    assert "Sticky sessions send a user" not in ko
    assert 'id="wire"' in html


def test_s_x3_node_local_session_lives_on_one_node(site):
    """Log in on node A: exact cookies; A knows alice, B (another
    process) does not; logging in on B moves the node-local login."""
    c, tok = open_page(site)
    r = node_login(site, c, tok, "a")
    assert r.status_code == 303 and r.headers["Location"] == "/lab/scale"
    lines = set_cookie_headers(r)
    assert len(lines) == 2
    assert SCALE_SID.match(lines[0])
    assert lines[1] == ("scale_node=a; Max-Age=1800; Path=/lab/scale; "
                        "SameSite=Lax")
    a, b = me(c, "a"), me(c, "b")
    assert (a["node"], b["node"]) == ("a", "b")
    assert a["pid"] != b["pid"]
    assert a["node_local"]["found"] is True
    assert a["node_local"]["user"] == "alice"
    assert a["node_local"]["store"] == "this process's memory"
    assert b["node_local"] == {"found": False, "user": None,
                               "sessions_held": b["node_local"][
                                   "sessions_held"],
                               "store": "this process's memory"}
    # Nothing of it reached the shared store.
    assert a["shared"]["logged_in"] is False
    assert site.query("SELECT count(*) FROM sessions WHERE data LIKE "
                      "'%scale%'") == [(0,)]
    r = node_login(site, c, tok, "b", user="bob")
    assert re.match(r"^scale_node=b;", set_cookie_headers(r)[1])
    assert me(c, "b")["node_local"]["user"] == "bob"
    assert me(c, "a")["node_local"]["found"] is False


def test_s_x3_shared_store_and_jwt_known_to_both_nodes(site):
    """The site's own login (SQLite) and a JWT are recognised by either
    node; a JWT with an edited payload by neither."""
    c = Client(site)
    assert c.login("alice", "alice-password").status_code == 303
    r = requests.post(site.url("/api/auth/login"), timeout=HTTP_TIMEOUT,
                      json={"username": "bob", "password": "bob-password",
                            "alg": "HS256"})
    assert r.status_code == 200
    token = r.json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    for node in "ab":
        d = me(c, node, headers=auth)
        assert d["shared"] == {"logged_in": True, "user": "alice",
                               "store": "SQLite (every process)"}
        assert d["jwt"] == {"sent": True, "valid": True,
                            "reason": d["jwt"]["reason"], "user": "Bob"}
        assert d["csrf"] != ""
    head, body, sig = token.split(".")
    forged = ".".join((head, body[:-2] + ("A" if body[-2] != "A" else "B")
                       + body[-1], sig))
    for node in "ab":
        d = me(c, node, headers={"Authorization": f"Bearer {forged}"})
        assert d["jwt"]["valid"] is False and d["jwt"]["user"] is None
    d = me(Client(site), "b")
    assert d["jwt"] == {"sent": False, "valid": False, "reason": "no token",
                        "user": None}
    assert d["shared"]["logged_in"] is False


def test_s_x3_logout_forgets_and_expires_exactly(site):
    c, tok = open_page(site)
    node_login(site, c, tok, "a")
    sid = c.cookies["scale_sid"]
    r = c.post("/lab/scale/a/logout", data={"csrf": tok},
               headers={"Origin": site.origin})
    assert r.status_code == 303
    assert set_cookie_headers(r) == [
        "scale_sid=; Max-Age=0; Path=/lab/scale; HttpOnly; SameSite=Lax",
        "scale_node=; Max-Age=0; Path=/lab/scale; SameSite=Lax"]
    # A replayed ID is unknown now.
    d = me(Client(site), "a", headers={"Cookie": f"scale_sid={sid}"},
           cookies=False)
    assert d["node_local"]["found"] is False


def test_s_x3_login_refusals_set_nothing(site):
    c, tok = open_page(site)
    r = node_login(site, c, tok, "a", password="wrong-password")
    assert r.status_code == 401
    assert set_cookie_headers(r) == []
    r = node_login(site, c, tok, "a", origin="http://evil.example")
    assert r.status_code == 403
    assert set_cookie_headers(r) == []
    r = node_login(site, c, "x" * 43, "b")
    assert r.status_code == 403
    assert set_cookie_headers(r) == []


@pytest.mark.parametrize("data", [
    {"username": "alice"},                                   # no password
    {"username": "al", "password": "x"},                     # too short
    {"username": "alice' OR 1=1--", "password": "x"},        # SQL
    {"username": "<b>alice</b>", "password": "x"},           # HTML
    {"username": "alice", "password": "x" * 1025},           # too long
    {"username": "alice", "password": "alice-password",
     "role": "admin"},                                        # unknown field
])
def test_s_x3_bad_login_input_is_400(site, data):
    c, tok = open_page(site)
    before = site.dump(normalise_touch=True)
    r = c.post("/lab/scale/b/login", data={**data, "csrf": tok},
               headers={"Origin": site.origin})
    assert r.status_code == 400
    assert set_cookie_headers(r) == []
    assert b"<b>alice</b>" not in r.content
    assert site.dump(normalise_touch=True) == before


@pytest.mark.parametrize("cookie", [
    "scale_sid=short", "scale_sid=" + "A" * 43 + "'", "scale_sid=" + "x" * 500,
    "scale_sid=%00%00",
])
def test_s_x3_hostile_node_cookie_is_simply_unknown(site, cookie):
    r = Client(site).get("/lab/scale/a/me", headers={"Cookie": cookie},
                         cookies=False)
    assert r.status_code == 200
    assert r.json()["node_local"]["found"] is False


def test_s_x3_make_run_page_labels_its_front_an_imitation(site):
    """Under `make run` (no X-Node) the page says its script plays the
    balancer and names the real one (`make cluster` and its URL), in both
    languages; the real-front section is there, hidden until script sees
    X-Node."""
    c, _tok = open_page(site)
    assert "X-Node" not in c.last.headers
    html = c.last.text
    c.cookies["lang"] = "ko"
    ko = c.get("/lab/scale").text
    c.cookies["lang"] = "both"
    both = c.get("/lab/scale").text
    assert '<div class="callout" id="scale-imitation">' in html
    assert "An imitation: here this page is playing the balancer." in html
    assert "흉내 내기입니다. 여기서는 이 페이지의 스크립트가 로드 밸런서 역할을 합니다." in ko
    assert "흉내 내기입니다" not in html
    assert "An imitation" not in ko
    assert "<code>make cluster</code>" in html
    assert "<code>http://127.0.0.1:8080/lab/scale</code>" in html
    assert ('<section class="card wide" id="scale-real" '
            'aria-labelledby="scale-real-h" hidden>') in html
    # Every column label in the page's language; with lang=both the two
    # side by side, Korean first (issue 14).
    for en, k in (("Setup", "방식"), ("Login recognised", "로그인을 알아봤나"),
                  ("Calls to node A", "노드 A가 받은 요청"),
                  ("After the kill", "노드를 죽인 뒤"),
                  ("Node-local session", "노드 메모리 세션")):
        assert f'<th><span lang="en">{en}</span></th>' in html
        assert f'<th><span lang="ko">{k}</span></th>' in ko
        assert (f'<th><span class="both"><span lang="ko">{k}</span> / '
                f'<span lang="en">{en}</span></span></th>') in both
    assert "Session clustering copies the login sessions" in html
    assert "세션 클러스터링은 서버끼리 로그인 세션을 복사해" in ko


def test_s_x3_node_login_reply_json(site):
    """reply=json (the page's script on the real front, which must read
    the answer's headers): the same node-local login and cookies, a 200
    with the login made instead of the 303; any other reply is the 303."""
    c, tok = open_page(site)
    r = c.post("/lab/scale/b/login",
               data={"username": "alice", "password": "alice-password",
                     "csrf": tok, "reply": "json"},
               headers={"Origin": site.origin})
    assert r.status_code == 200, r.text[:300]
    d = r.json()
    assert d["node"] == "b"
    assert d["node_local"]["created"] is True
    assert d["node_local"]["user"] == "alice"
    lines = set_cookie_headers(r)
    assert SCALE_SID.match(lines[0])
    assert me(c, "b")["node_local"]["user"] == "alice"
    r = c.post("/lab/scale/b/login",
               data={"username": "alice", "password": "alice-password",
                     "csrf": tok, "reply": "html"},
               headers={"Origin": site.origin})
    assert r.status_code == 303 and r.headers["Location"] == "/lab/scale"
