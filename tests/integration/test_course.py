"""Issue 14, the class path (/course) and the teacher's view (/teach).

Each checkpoint is ticked by the handler that saw the real action (S-H1,
S-C1, S-C5, S-S1, S-S5, S-J2, S-J4, S-J5, S-X1 on the 50-minute path),
into the visitor's session data (the truth) and the course_ticks table
(the teacher's counts), and the `course` cookie mirrors it. A GET to any
URL, an edited `course` cookie, a POST without CSRF, a wrong password and
a refresh with a bad token tick nothing. The site is private: the counts
are exact."""
import json
import re
import sqlite3
import time

import pytest

import sitectl
from sitectl import JSON_TYPE, Client, csrf_from, set_cookie_headers

CLASS = ["hello", "lab", "tamper", "login", "cart", "jwt", "expiry",
         "reuse", "compare"]
SELF = ["hello", "lab", "lifetime", "tamper", "prefs", "login", "remember",
        "cart", "signup", "revoke", "jwt", "expiry", "reuse", "logout",
        "forge", "compare", "costs"]
SCENARIOS = (["S-H1"] + [f"S-C{i}" for i in range(1, 10)] +
             [f"S-S{i}" for i in range(1, 11)] +
             [f"S-J{i}" for i in range(1, 12)] +
             [f"S-X{i}" for i in range(1, 4)])


@pytest.fixture(scope="module")
def csite():
    with sitectl.private_site("course") as s:
        yield s


@pytest.fixture(scope="module")
def admin(csite):
    a = Client(csite)
    assert a.login("admin", "admin-password").status_code == 303
    yield a
    a.close()


class Student(Client):
    """A visitor who opened /course (enrolled), with the page's CSRF
    token and same-origin POSTs."""

    def __init__(self, site, lang="en"):
        super().__init__(site, accept_language=lang)
        r = self.get("/course")
        assert r.status_code == 200, r.text[:300]
        self.csrf = page_csrf(r.text)

    def form(self, path, data=None, csrf=True, **kw):
        d = dict(data or {})
        if csrf:
            d["csrf"] = self.csrf
        return self.post(path, data=d, headers={"Origin": self.site.origin},
                         **kw)

    def api(self, path, body=None, bearer=None):
        h = {"Origin": self.site.origin}
        if bearer:
            h["Authorization"] = f"Bearer {bearer}"
        return self.post(path, json=body or {}, headers=h)

    def ticked(self):
        r = self.get("/course/state")
        assert r.status_code == 200
        return r.json()["ticked"]

    def data(self):
        row = self.site.session_row(self.sid)
        return json.loads(row["data"])

    def login_here(self, user="alice"):
        """Log in on /session/login and refresh the CSRF token (login
        rotates the session)."""
        r = self.login(user, f"{user}-password")
        assert r.status_code == 303
        self.csrf = page_csrf(self.get("/course").text)
        return r


def page_csrf(html):
    """The CSRF token of the layout's switch form, on every page."""
    m = re.search(r'<input name="csrf" type="hidden" value="([^"]+)">', html)
    assert m, "no csrf field in the page"
    return m.group(1)


def counts(admin):
    r = admin.get("/teach/counts")
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"] == JSON_TYPE
    d = r.json()
    return d["visitors"], {c["id"]: c["count"] for c in d["checkpoints"]}


def course_cookie(r):
    return [c for c in set_cookie_headers(r) if c.startswith("course=")]


def rows(site):
    return site.query("SELECT count(*) FROM course_ticks")[0][0]


def test_course_page_orders_every_scenario(csite):
    """The 50-minute class: nine steps from S-H1 to S-X1 in order; the
    self-study path covers every scenario of docs/SCENARIOS.md; each step
    has goal, what to do with a working link, devtools, question,
    checkpoint and key facts."""
    s = Student(csite)
    state = s.get("/course/state").json()
    assert [x["id"] for x in state["steps"] if x["class"]] == CLASS
    assert [x["id"] for x in state["steps"] if x["self"]] == SELF
    ids = " ".join(x["ids"] for x in state["steps"])
    assert [x for x in SCENARIOS if not re.search(rf"\b{x}\b", ids)] == []
    page = s.get("/course").text
    assert page.count('class="course-step') == 9
    for part in ("goal", "do", "devtools", "question", "check"):
        assert page.count(f"<dt>{ {'goal': 'Goal', 'do': 'What to do', 'devtools': 'Look in devtools', 'question': 'Question', 'check': 'What the server checks'}[part]}</dt>") == 9
    assert page.count('class="keyfacts"') == 9
    assert ("<code>Application → Cookies</code> → <code>sid</code>: "
            "HttpOnly ✓") in page
    selfp = s.get("/course?path=self").text
    assert selfp.count('class="course-step') == 17
    hrefs = set(re.findall(r'<a class="button" href="([^"]+)"', selfp))
    assert len(hrefs) == 13
    s.login_here()
    for h in sorted(hrefs):
        r = s.get(h)
        assert r.status_code == 200, (h, r.status_code)


def test_course_enrolls_with_a_random_key(csite):
    """Opening /course makes a guest session whose data holds the course
    ({"v": 32 hex, "t": {}}); no mirror cookie is sent until a tick."""
    c = Client(csite)
    r = c.get("/course")
    assert r.status_code == 200
    assert course_cookie(r) == []
    assert c.sid
    d = json.loads(csite.session_row(c.sid)["data"])
    assert set(d["course"]) == {"v", "t"}
    assert re.fullmatch(r"[0-9a-f]{32}", d["course"]["v"])
    assert d["course"]["t"] == {}
    r = c.get("/course")
    assert course_cookie(r) == []
    assert json.loads(csite.session_row(c.sid)["data"])["course"] == \
        d["course"]


def test_s_h1_hello_ticks_only_when_the_cookie_remembers(csite, admin):
    """S-H1: the name in the address ticks nothing; /cookies/hello/step3
    with the hello cookie the server set does, once."""
    v0, c0 = counts(admin)
    s = Student(csite)
    assert s.get("/cookies/hello/step2?name=Kim").status_code == 200
    assert s.get("/cookies/hello/step3").status_code == 200
    r = s.form("/cookies/hello/remember", {"name": "Kim"}, csrf=False)
    assert r.status_code == 403
    assert s.ticked() == []
    r = s.form("/cookies/hello/remember", {"name": "Kim"})
    assert r.status_code == 303
    assert s.ticked() == []
    r = s.get("/cookies/hello/step3")
    assert r.status_code == 200
    assert course_cookie(r) == ["course=hello; Path=/; SameSite=Lax"]
    assert s.ticked() == ["hello"]
    at = s.data()["course"]["t"]["hello"]
    r = s.get("/cookies/hello/step3")
    assert course_cookie(r) == []
    assert s.data()["course"]["t"] == {"hello": at}
    v1, c1 = counts(admin)
    assert v1 == v0 + 1
    assert c1 == {**c0, "hello": c0["hello"] + 1}


def test_s_c1_lab_ticks_on_a_built_cookie_only(csite, admin):
    """S-C1/S-C2: POST /lab/set ticks lab when it sends the Set-Cookie; a
    POST without the CSRF token and a refused cookie tick nothing."""
    _, c0 = counts(admin)
    s = Student(csite)
    base = {"name": "demo", "value": "v", "life": "session", "seconds": "",
            "path": "/lab/", "domain": "", "samesite": "", "prefix": ""}
    assert s.form("/lab/set", base, csrf=False).status_code == 403
    bad = dict(base, samesite="None")
    assert s.form("/lab/set", bad).status_code == 400
    assert s.ticked() == []
    r = s.form("/lab/set", base)
    assert r.status_code == 200
    assert "demo=v; Path=/lab/" in set_cookie_headers(r)
    assert course_cookie(r) == ["course=lab; Path=/; SameSite=Lax"]
    assert s.ticked() == ["lab"]
    _, c1 = counts(admin)
    assert c1 == {**c0, "lab": c0["lab"] + 1}


def test_s_c5_tamper_ticks_on_the_edited_role_refused(csite, admin):
    """S-C5: the checkpoint needs the edited role=admin cookie at
    /cookies/tamper/admin-signed and the signed cookie refused; the
    untouched login and the insecure page tick nothing."""
    _, c0 = counts(admin)
    s = Student(csite)
    assert s.form("/cookies/tamper/login", {"username": "alice"}).\
        status_code == 303
    assert s.get("/cookies/tamper/admin-signed").status_code == 403
    s.cookies["role"] = "admin"
    assert s.get("/cookies/tamper/admin-insecure").status_code == 200
    assert s.ticked() == []
    s.cookies["signed_login"] = s.cookies["signed_login"].replace(
        "alice.user", "alice.admin")
    r = s.get("/cookies/tamper/admin-signed")
    assert r.status_code == 403
    assert course_cookie(r) == ["course=tamper; Path=/; SameSite=Lax"]
    assert s.ticked() == ["tamper"]
    _, c1 = counts(admin)
    assert c1 == {**c0, "tamper": c0["tamper"] + 1}


def test_s_s1_login_ticks_when_the_new_sid_comes_back(csite, admin):
    """S-S1/S-S2: a wrong password, a login without CSRF and the login
    POST itself tick nothing; /session/me carrying the new sid does."""
    _, c0 = counts(admin)
    s = Student(csite)
    r = s.form("/session/login", {"username": "alice",
                                  "password": "wrong-password"})
    assert r.status_code == 401
    r = s.form("/session/login", {"username": "alice",
                                  "password": "alice-password"}, csrf=False)
    assert r.status_code == 403
    old = s.sid
    r = s.form("/session/login", {"username": "alice",
                                  "password": "alice-password"})
    assert r.status_code == 303 and r.headers["Location"] == "/session/me"
    assert course_cookie(r) == []
    assert s.sid != old
    assert s.ticked() == []
    r = s.get("/session/me")
    assert r.status_code == 200
    assert course_cookie(r) == ["course=login; Path=/; SameSite=Lax"]
    assert s.ticked() == ["login"]
    assert "remember" not in s.data()["course"]["t"]
    _, c1 = counts(admin)
    assert c1 == {**c0, "login": c0["login"] + 1}


def test_s_s5_cart_ticks_on_a_stored_item(csite, admin):
    """S-S5: POST /cart/add ticks cart when it stores the item; without
    CSRF (403) or with a bad product (400) nothing."""
    _, c0 = counts(admin)
    s = Student(csite)
    assert s.form("/cart/add", {"product": "1", "qty": "1"}, csrf=False).\
        status_code == 403
    assert s.form("/cart/add", {"product": "x", "qty": "1"}).\
        status_code == 400
    assert s.ticked() == []
    r = s.form("/cart/add", {"product": "1", "qty": "1"})
    assert r.status_code == 303
    assert course_cookie(r) == ["course=cart; Path=/; SameSite=Lax"]
    assert s.ticked() == ["cart"]
    assert s.data()["cart"]
    _, c1 = counts(admin)
    assert c1 == {**c0, "cart": c0["cart"] + 1}


def test_s_j2_jwt_ticks_on_an_accepted_bearer_token(csite, admin):
    """S-J2: /api/me ticks jwt when it accepts the bearer token; no token
    and a forged one (401) tick nothing."""
    _, c0 = counts(admin)
    s = Student(csite)
    assert s.get("/api/me").status_code == 401
    r = s.get("/api/me", headers={"Authorization": "Bearer eyJ.x.y"})
    assert r.status_code == 401
    r = s.api("/api/auth/login", {"username": "alice",
                                  "password": "wrong-password",
                                  "alg": "RS256"})
    assert r.status_code == 401
    assert s.ticked() == []
    r = s.api("/api/auth/login", {"username": "alice",
                                  "password": "alice-password",
                                  "alg": "RS256"})
    assert r.status_code == 200
    assert s.ticked() == []
    tok = r.json()["access_token"]
    r = s.get("/api/me", headers={"Authorization": f"Bearer {tok}"})
    assert r.status_code == 200
    assert course_cookie(r) == ["course=jwt; Path=/; SameSite=Lax"]
    assert s.ticked() == ["jwt"]
    _, c1 = counts(admin)
    assert c1 == {**c0, "jwt": c0["jwt"] + 1}


def test_s_j5_reuse_ticks_when_a_spent_token_revokes_the_family(csite,
                                                                admin):
    """S-J5: a bad refresh token and a good refresh tick nothing; the spent
    one presented again (401, family_revoked) ticks reuse."""
    _, c0 = counts(admin)
    s = Student(csite)
    r = s.api("/api/auth/login", {"username": "bob",
                                  "password": "bob-password",
                                  "alg": "HS256"})
    assert r.status_code == 200
    first = s.cookies["refresh_token"]
    s.cookies["refresh_token"] = "A" * 43
    r = s.api("/api/auth/refresh")
    assert r.status_code == 401 and r.json()["family_revoked"] is False
    s.cookies["refresh_token"] = first
    r = s.api("/api/auth/refresh")
    assert r.status_code == 200
    assert s.ticked() == []
    s.cookies["refresh_token"] = first
    r = s.api("/api/auth/refresh")
    assert r.status_code == 401
    assert r.json()["family_revoked"] is True
    assert course_cookie(r) == ["course=reuse; Path=/; SameSite=Lax"]
    assert s.ticked() == ["reuse"]
    _, c1 = counts(admin)
    assert c1 == {**c0, "reuse": c0["reuse"] + 1}


def test_s_x1_compare_ticks_on_the_cookie_only_login(csite, admin):
    """S-X1: POST /compare/cookie/login ticks compare when it logs in; a
    wrong password (401) and no CSRF (403) tick nothing."""
    _, c0 = counts(admin)
    s = Student(csite)
    assert s.form("/compare/cookie/login", {"username": "alice",
                                            "password": "nope-nope"}).\
        status_code == 401
    assert s.form("/compare/cookie/login", {"username": "alice",
                                            "password": "alice-password"},
                  csrf=False).status_code == 403
    assert s.ticked() == []
    r = s.form("/compare/cookie/login", {"username": "alice",
                                         "password": "alice-password"})
    assert r.status_code == 303
    assert s.ticked() == ["compare"]
    _, c1 = counts(admin)
    assert c1 == {**c0, "compare": c0["compare"] + 1}


def test_self_study_checkpoints_tick_after_their_actions_only(csite, admin):
    """The self-study path's own checkpoints, each after a refused or
    incomplete try that ticks nothing: S-C3 (the persistent cookie back
    without the session one), S-C6 (an allowed preference), S-S9 (a
    persistent session on /session/me), S-S6 (the wizard's end), S-S7
    (another session of mine ended), S-J6 (logout with the family and the
    bearer token), S-J1 (a pasted token decoded); S-X2 is the next test."""
    v0, c0 = counts(admin)
    s = Student(csite)
    want = []

    def ticked(cid):
        want.append(cid)
        got = s.ticked()
        assert sorted(got) == sorted(want), cid

    # S-C3
    assert s.form("/cookies/lifetime/set").status_code == 303
    assert s.get("/cookies/lifetime").status_code == 200
    assert s.ticked() == []
    del s.cookies["keep_session"]          # the browser was restarted
    assert s.get("/cookies/lifetime").status_code == 200
    ticked("lifetime")
    # S-C6
    assert s.form("/prefs", {"theme": "purple"}).status_code == 400
    assert s.form("/prefs", {"theme": "dark"}, csrf=False).status_code == 403
    assert sorted(s.ticked()) == sorted(want)
    assert s.form("/prefs", {"theme": "dark"}).status_code == 303
    ticked("prefs")
    # S-J1
    assert s.form("/lab/jwt", {"token": ""}).status_code == 400
    assert sorted(s.ticked()) == sorted(want)
    assert s.form("/lab/jwt", {"token": "eyJhbGciOiJub25lIn0.e30."}).\
        status_code == 200
    ticked("forge")
    # S-J6
    body = {"username": "bob", "password": "bob-password", "alg": "RS256"}
    assert s.api("/api/auth/login", body).status_code == 200
    r = s.api("/api/auth/logout")
    assert r.status_code == 200 and r.json()["family_revoked"] is True
    assert r.json()["access_token_blacklisted"] is False
    assert sorted(s.ticked()) == sorted(want)
    tok = s.api("/api/auth/login", body).json()["access_token"]
    r = s.api("/api/auth/logout", bearer=tok)
    assert r.json() == {"logged_out": True, "family_revoked": True,
                        "access_token_blacklisted": True}
    ticked("logout")
    # S-S6: the wizard writes the account at its last step
    name = f"course_{int(time.time()) % 100000}"
    pw = "course wizard passphrase"
    r = s.form("/signup/details", {"username": name, "email": "c@example.com",
                                   "password": pw, "password2": pw})
    assert r.status_code == 303
    inbox = s.get("/signup/inbox").text
    code = re.search(r'<strong class="code">(\d{6})</strong>', inbox).group(1)
    assert s.form("/signup/verify", {"code": code}).status_code == 303
    assert s.get("/signup/done").status_code == 303   # not yet
    assert sorted(s.ticked()) == sorted(want)
    r = s.form("/signup/agree", {"terms": "1", "privacy": "1"})
    assert r.status_code == 303 and r.headers["Location"] == "/signup/done"
    assert s.get("/signup/done").status_code == 200
    ticked("signup")
    # S-S9: remember me; S-S1 ticks with it
    s.csrf = page_csrf(s.get("/course").text)
    r = s.form("/session/login", {"username": "alice",
                                  "password": "alice-password",
                                  "remember": "1"})
    assert r.status_code == 303
    assert s.get("/session/me").status_code == 200
    want.append("login")
    ticked("remember")
    # S-S7: end another session of mine
    other = Client(csite)
    assert other.login("alice", "alice-password").status_code == 303
    s.csrf = page_csrf(s.get("/course").text)
    assert s.form("/session/devices/revoke", {"session": "zz"}).\
        status_code == 400
    assert s.form("/session/devices/revoke", {
        "session": sitectl.sid_hash(s.sid).hex()}).status_code == 400
    assert s.ticked() == sorted(want, key=SELF.index)
    r = s.form("/session/devices/revoke", {
        "session": sitectl.sid_hash(other.sid).hex()})
    assert r.status_code == 200
    ticked("revoke")
    assert s.ticked() == [x for x in SELF if x in want]
    v1, c1 = counts(admin)
    assert v1 == v0 + 1
    assert c1 == {k: c0[k] + (k in want) for k in c0}


def test_s_x2_measurement_ticks_costs(csite, admin):
    """S-X2: POST /lab/costs ticks costs when it measured; without CSRF
    (403) nothing. (Its name keeps it out of `make valgrind`, whose
    programs are too slow for a measurement.)"""
    _, c0 = counts(admin)
    s = Student(csite)
    assert s.form("/lab/costs", csrf=False).status_code == 403
    assert s.ticked() == []
    assert s.form("/lab/costs").status_code == 200
    assert s.ticked() == ["costs"]
    _, c1 = counts(admin)
    assert c1 == {**c0, "costs": c0["costs"] + 1}


def test_a_forged_course_cookie_ticks_nothing(csite, admin):
    """The mirror is never believed: an edited `course` cookie shows as
    forged on /course, which writes it back from the session (here:
    nothing ticked, so the cookie is expired); the session and the counts
    are unchanged."""
    v0, c0 = counts(admin)
    n0 = rows(csite)
    s = Student(csite)
    s.cookies["course"] = "hello.lab.reuse.nosuch"
    st = s.get("/course/state").json()
    assert st["ticked"] == [] and st["forged"] == ["hello", "lab", "reuse"]
    assert st["cookie"] == "hello.lab.reuse.nosuch"
    r = s.get("/course")
    assert r.status_code == 200
    assert 'id="course-forged"' in r.text
    assert r.text.count('class="open forged"') == 3
    assert course_cookie(r) == ["course=; Max-Age=0; Path=/; SameSite=Lax"]
    assert s.data()["course"]["t"] == {}
    assert counts(admin) == (v0, c0) and rows(csite) == n0
    s.form("/lab/set", {"name": "demo", "value": "v", "life": "session",
                        "seconds": "", "path": "/lab/", "domain": "",
                        "samesite": "", "prefix": ""})
    s.cookies["course"] = "lab.tamper"
    r = s.get("/course")
    assert r.text.count('class="open forged"') == 1
    assert 'id="check-tamper" class="open forged"' in r.text
    assert course_cookie(r) == ["course=lab; Path=/; SameSite=Lax"]


def test_plain_gets_tick_nothing(csite, admin):
    """No GET to any URL ticks a checkpoint by itself: the lesson pages,
    the course's own URLs and invented "done" URLs."""
    v0, c0 = counts(admin)
    s = Student(csite)
    for path in ["/course?path=self", "/course/state",
                 "/course/handout?path=class", "/cookies/hello/step3",
                 "/lab/", "/cookies/tamper/admin-insecure",
                 "/cookies/tamper/admin-signed", "/session/me",
                 "/cart", "/jwt", "/api/me", "/compare", "/prefs",
                 "/cookies/lifetime", "/course/done", "/course/tick",
                 "/course/state?tick=login", "/teach"]:
        r = s.get(path)
        assert r.status_code < 500, (path, r.status_code)
        assert s.ticked() == [], path
    assert counts(admin) == (v0, c0)


def test_a_visitor_who_never_opened_the_course_is_not_ticked(csite, admin):
    """Lessons answer as they always did for a visitor not enrolled: no
    `course` cookie and no course data, no row."""
    v0, c0 = counts(admin)
    c = Client(csite)
    assert c.login("alice", "alice-password").status_code == 303
    r = c.get("/session/me")
    assert r.status_code == 200 and course_cookie(r) == []
    assert "course" not in json.loads(csite.session_row(c.sid)["data"])
    assert counts(admin) == (v0, c0)


def test_teach_is_the_admins(csite, admin):
    """/teach and /teach/counts: 401 without a login, 403 for a user,
    200 for the admin; linked from /session/admin; the classroom controls
    are the same forms as /session/admin's."""
    anon = Client(csite)
    assert anon.get("/teach").status_code == 401
    r = anon.get("/teach/counts")
    assert r.status_code == 401 and r.headers["Content-Type"] == JSON_TYPE
    alice = Client(csite)
    alice.login("alice", "alice-password")
    assert alice.get("/teach").status_code == 403
    assert alice.get("/teach/counts").status_code == 403
    r = admin.get("/teach")
    assert r.status_code == 200
    for form in ('action="/session/admin/clock"',
                 'action="/session/admin/reset"'):
        assert form in r.text
        assert form in admin.get("/session/admin").text
    assert 'href="/teach"' in admin.get("/session/admin").text
    assert 'id="teach-counts" data-poll="/teach/counts"' in r.text
    for path in ("class", "self"):
        for lang in ("ko", "en"):
            assert f'href="/course/handout?path={path}&amp;lang={lang}"' \
                in r.text
    assert 'class="teach projector"' in admin.get(
        "/teach?projector=1").text


def test_teach_moves_the_clock_and_comes_back(csite, admin):
    """The classroom controls on /teach are /session/admin's forms with
    back=teach: the clock moves and the teacher lands on /teach again; any
    other back is a 400 that changes nothing; only the admin may."""
    page = admin.get("/teach").text
    assert page.count('<input type="hidden" name="back" value="teach">') \
        == 1     # the clock form (the reset form shows once it is ahead)
    token = csrf_from(page)
    offset = lambda: csite.query("SELECT offset_seconds FROM demo_clock")[0][0]
    r = admin.post("/session/admin/clock",
                   data={"csrf": token, "minutes": "5", "back": "home"})
    assert r.status_code == 400 and offset() == 0
    r = admin.post("/session/admin/clock",
                   data={"csrf": token, "minutes": "5", "back": "teach"})
    assert r.status_code == 303 and r.headers["Location"] == "/teach"
    assert offset() == 300
    page = admin.get("/teach").text
    assert page.count('<input type="hidden" name="back" value="teach">') \
        == 2
    assert 'id="admin-clock-minutes">5<' in page
    r = admin.post("/session/admin/clock/reset",
                   data={"csrf": token, "back": "teach"})
    assert r.status_code == 303 and r.headers["Location"] == "/teach"
    assert offset() == 0
    time.sleep(1.1)     # each program re-reads the clock once a second
    assert "name=\"back\"" not in admin.get("/session/admin").text
    alice = Student(csite)
    alice.login_here()
    r = alice.post("/session/admin/clock", data={
        "csrf": alice.csrf, "minutes": "5", "back": "teach"})
    assert r.status_code == 403 and offset() == 0


def test_counts_json_is_exact_and_rows_hold_no_ids(csite, admin):
    """/teach/counts: {window_seconds, visitors, checkpoints:[{id, count}]}
    for every step in order, counting the rows of the last hour; a row's
    visitor is a 16-byte hash that is neither the sid nor its hash."""
    r = admin.get("/teach/counts")
    d = r.json()
    assert list(d) == ["window_seconds", "visitors", "checkpoints"] or \
        set(d) == {"window_seconds", "visitors", "checkpoints"}
    assert d["window_seconds"] == 3600
    assert [c["id"] for c in d["checkpoints"]] == SELF
    con = csite.db()
    try:
        got = dict(con.execute("SELECT checkpoint, count(*) FROM "
                               "course_ticks GROUP BY checkpoint"))
        vis = con.execute("SELECT count(DISTINCT visitor) FROM "
                          "course_ticks").fetchone()[0]
        keys = [r[0] for r in con.execute("SELECT visitor FROM "
                                          "course_ticks")]
    finally:
        con.close()
    assert {c["id"]: c["count"] for c in d["checkpoints"]} == \
        {k: got.get(k, 0) for k in SELF}
    assert d["visitors"] == vis
    assert all(len(k) == 16 for k in keys)
    s = Student(csite)
    s.form("/cart/add", {"product": "1", "qty": "1"})
    key = csite.query("SELECT visitor FROM course_ticks WHERE at = "
                      "(SELECT max(at) FROM course_ticks)")[0][0]
    assert key not in (s.sid.encode(), sitectl.sid_hash(s.sid),
                       sitectl.sid_hash(s.sid)[:16])
    assert s.data()["course"]["v"].encode() != key


def test_old_rows_are_pruned_and_the_table_is_bounded(csite, admin):
    """Rows older than a day go at the next tick, and at most 20000 are
    kept; counts only span the last hour."""
    now = int(time.time())
    con = sqlite3.connect(csite.db_path)
    with con:
        con.execute("INSERT INTO course_ticks VALUES (?, 'hello', ?)",
                    (b"o" * 16, now - 2 * 86400))
        con.execute("INSERT INTO course_ticks VALUES (?, 'hello', ?)",
                    (b"h" * 16, now - 7200))
    con.close()
    v0, c0 = counts(admin)
    s = Student(csite)
    s.form("/cart/add", {"product": "1", "qty": "1"})
    assert csite.query("SELECT count(*) FROM course_ticks WHERE visitor "
                       "= ?", (b"o" * 16,))[0][0] == 0
    assert csite.query("SELECT count(*) FROM course_ticks WHERE visitor "
                       "= ?", (b"h" * 16,))[0][0] == 1
    assert counts(admin) == (v0 + 1, {**c0, "cart": c0["cart"] + 1})
    con = sqlite3.connect(csite.db_path)
    with con:
        con.executemany("INSERT INTO course_ticks VALUES (?, 'lab', ?)",
                        ((i.to_bytes(16, "big"), now - 3000)
                         for i in range(20000)))
    con.close()
    s2 = Student(csite)
    s2.form("/cart/add", {"product": "1", "qty": "1"})
    assert rows(csite) == 20000
    assert csite.query("SELECT count(*) FROM course_ticks WHERE "
                       "checkpoint = 'cart' AND at >= ?", (now,))[0][0] >= 1
    con = sqlite3.connect(csite.db_path)
    with con:
        con.execute("DELETE FROM course_ticks WHERE checkpoint = 'lab' "
                    "AND length(visitor) = 16 AND at = ?", (now - 3000,))
    con.close()


@pytest.mark.parametrize("query,status", [
    ("?path=<script>alert(1)</script>", 400),
    ("?path=" + "x" * 1000, 400),
    ("?path=%ff%fe", 400),
    ("?path=cl%00ass", 400),
    ("?projector=2", 400),
    ("?nosuch=1", 400),
    ("?path=" + "x" * 5000, 414),
])
def test_hostile_course_queries(csite, admin, query, status):
    """Hostile input to /course: a clear 4xx, escaped, nothing stored."""
    v0, c0 = counts(admin)
    n0 = rows(csite)
    s = Student(csite)
    r = s.get("/course" + query)
    assert r.status_code == status
    assert "<script>alert" not in r.text
    assert s.data()["course"]["t"] == {}
    assert counts(admin) == (v0, c0) and rows(csite) == n0


def test_hostile_teach_and_handout(csite, admin):
    """The handout's lang, the teacher's query, a POST and a huge course
    cookie: 4xx or ignored, nothing stored."""
    n0 = rows(csite)
    s = Student(csite)
    assert s.get("/course/handout?path=class&lang=fr").status_code == 400
    assert s.get("/course/handout?path=class&lang=<b>").status_code == 400
    assert admin.get("/teach/counts?x=1").status_code == 400
    assert admin.get("/teach?projector=<b>").status_code == 400
    r = s.post("/course", data={"csrf": s.csrf})
    assert r.status_code == 405
    s.cookies["course"] = "<b>hello</b>"
    r = s.get("/course")
    assert r.status_code in (200, 400)
    assert "<b>hello</b>" not in r.text
    if r.status_code == 200:
        assert '<code id="course-cookie">&lt;b&gt;hello&lt;/b&gt;</code>' \
            in r.text
        assert s.data()["course"]["t"] == {}
    s.cookies["course"] = "hello." * 600
    r = s.get("/course/state")
    assert r.status_code in (200, 431)
    if r.status_code == 200:
        assert r.json()["ticked"] == []
    assert rows(csite) == n0


def test_handout_in_both_languages(csite):
    """One printable page per path, in Korean and in English."""
    s = Student(csite)
    ko = s.get("/course/handout?path=class&lang=ko")
    en = s.get("/course/handout?path=class&lang=en")
    assert ko.status_code == en.status_code == 200
    assert '<html lang="ko"' in ko.text and '<html lang="en"' in en.text
    assert "50분 수업 안내지" in ko.text
    assert "Handout: the 50-minute class" in en.text
    assert ko.text.count('<li id="handout-') == 9
    selfp = s.get("/course/handout?path=self&lang=en").text
    assert selfp.count('<li id="handout-') == 17


def test_s_j4_expiry_ticks_on_a_refresh_after_real_expiry(csite, admin):
    """S-J4: a refresh with a live access token, or with a forged one,
    ticks nothing; after the demo clock passes the token's exp, the
    page's refresh with that genuine expired token ticks expiry. (Last in
    the module: it moves the clock, and sets it back.)"""
    _, c0 = counts(admin)
    s = Student(csite)
    r = s.api("/api/auth/login", {"username": "alice",
                                  "password": "alice-password",
                                  "alg": "RS256"})
    tok = r.json()["access_token"]
    r = s.api("/api/auth/refresh", {"access_token": tok})
    assert r.status_code == 200
    tok = r.json()["access_token"]
    r = s.api("/api/auth/refresh", {"access_token": "eyJ.forged.token"})
    assert r.status_code == 200
    assert s.ticked() == []
    token = csrf_from(admin.get("/session/admin").text)
    assert admin.post("/session/admin/clock",
                      data={"csrf": token, "minutes": "16"}).status_code == 200
    time.sleep(1.1)   # each program re-reads the clock once a second
    try:
        assert s.get("/api/me", headers={
            "Authorization": f"Bearer {tok}"}).status_code == 401
        assert s.ticked() == []
        r = s.api("/api/auth/refresh", {"access_token": tok})
        assert r.status_code == 200
        assert course_cookie(r) == ["course=expiry; Path=/; SameSite=Lax"]
        assert s.ticked() == ["expiry"]
        _, c1 = counts(admin)
        assert c1 == {**c0, "expiry": c0["expiry"] + 1}
    finally:
        token = csrf_from(admin.get("/session/admin").text)
        admin.post("/session/admin/clock/reset", data={"csrf": token})
        time.sleep(1.1)


def test_redis_sessions_keep_the_ticks_counts_stay_in_sqlite():
    """SESSION_STORE=redis: the tick is in the session hash in Redis, the
    count row in SQLite."""
    with sitectl.private_site("course-redis", store="redis") as rs:
        s = Student(rs)
        assert s.form("/cart/add", {"product": "1", "qty": "1"}).\
            status_code == 303
        assert s.ticked() == ["cart"]
        assert list(s.data()["course"]["t"]) == ["cart"]
        assert rs.query("SELECT checkpoint FROM course_ticks") == [("cart",)]
