"""S-H1 stateless HTTP (a name given on one page is forgotten on the next,
unless a cookie carries it) and S-C3 session vs persistent cookies."""
import re

import pytest

from sitectl import Client, set_cookie_headers

SAME = {}


def test_s_h1_url_name_is_forgotten_on_the_next_page(site):
    """S-H1: step 2 knows the name only from the query; step 3 has
    forgotten it (no cookie, nothing stored)."""
    c = Client(site)
    before = site.dump()
    r = c.get("/cookies/hello/step2?name=%EA%B9%80%20%EC%B2%A0%EC%88%98")
    assert r.status_code == 200
    assert '<p class="big" id="hello-url">Nice to meet you, ' \
           '<strong>김 철수</strong></p>' in r.text
    assert set_cookie_headers(r) == []
    r = c.get("/cookies/hello/step3")
    assert '<p class="big" id="hello-who">Who are you?</p>' in r.text
    assert 'id="hello-forgotten"' in r.text
    assert "김 철수" not in r.text
    assert site.dump() == before


def test_s_h1_cookie_remembers_across_pages(site):
    """S-H1: the same name in a cookie (percent-encoded, Path=/cookies/hello)
    comes back on the next page and the one after."""
    c = Client(site)
    r = c.post("/cookies/hello/remember", data={"name": "김 철수"},
               headers={"Origin": site.origin})
    assert r.status_code == 303
    assert r.headers["Location"] == "/cookies/hello/step3"
    assert set_cookie_headers(r) == [
        "hello=%EA%B9%80%20%EC%B2%A0%EC%88%98; Path=/cookies/hello; "
        "SameSite=Lax"]
    for path in ("/cookies/hello/step3", "/cookies/hello"):
        page = c.get(path).text
        assert 'id="hello-remembered">The cookie remembers: ' \
               '<strong>김 철수</strong>' in page
    r = c.post("/cookies/hello/forget", headers={"Origin": site.origin})
    assert set_cookie_headers(r) == [
        "hello=; Max-Age=0; Path=/cookies/hello; SameSite=Lax"]
    assert 'id="hello-forgotten"' in c.get("/cookies/hello/step3").text


@pytest.mark.parametrize("cookie", ["hello=%zz", "hello=%00x", "hello=%FF",
                                    "hello=", "hello=%3Cscript%3E"])
def test_s_h1_tampered_hello_cookie(site, cookie):
    """S-H1: a hello cookie that does not decode is ignored (and said so);
    one that decodes to markup is escaped."""
    r = Client(site).get("/cookies/hello/step3", headers={"Cookie": cookie})
    assert r.status_code == 200
    assert "<script>" not in r.text.split('<section class="wire"')[0]


@pytest.mark.parametrize("path,data,headers,status", [
    ("/cookies/hello/remember", {"name": ""}, "same", 400),
    ("/cookies/hello/remember", {"name": "x" * 65}, "same", 400),
    ("/cookies/hello/remember", {"name": "a\tb"}, "same", 400),
    ("/cookies/hello/remember", {}, "same", 400),
    ("/cookies/hello/remember", {"name": "a", "z": "1"}, "same", 400),
    ("/cookies/hello/remember", {"name": "a"},
     {"Origin": "http://evil.example"}, 403),
    ("/cookies/hello/forget", {}, {}, 403),
    ("/cookies/lifetime/set", {}, {"Origin": "http://evil.example"}, 403),
    ("/cookies/lifetime/set", {"x": "1"}, "same", 400),
    ("/cookies/lifetime/clear", {}, {}, 403),
])
def test_s_h1_s_c3_hostile(site, path, data, headers, status):
    """S-H1/S-C3: bad names, unknown fields, foreign origins: 4xx, no
    cookie, nothing stored."""
    before = site.dump()
    h = {"Origin": site.origin} if headers == "same" else headers
    r = Client(site).post(path, data=data, headers=h)
    assert r.status_code == status
    assert set_cookie_headers(r) == []
    assert site.dump() == before


def test_s_h1_step2_bad_name_is_400(site):
    r = Client(site).get("/cookies/hello/step2?name=" + "x" * 65)
    assert r.status_code == 400
    r = Client(site).get("/cookies/hello/step2?name=a%01")
    assert r.status_code == 400


def test_s_c3_session_and_persistent_cookie(site):
    """S-C3: one cookie with no expiry, one with Max-Age=604800."""
    c = Client(site)
    r = c.post("/cookies/lifetime/set", headers={"Origin": site.origin})
    assert r.status_code == 303
    assert set_cookie_headers(r) == [
        "keep_session=1; Path=/cookies/; SameSite=Lax",
        "keep_persistent=1; Max-Age=604800; Path=/cookies/; SameSite=Lax"]
    page = c.get("/cookies/lifetime").text
    assert '<td id="has-keep-session">arrived</td>' in page
    assert '<td id="has-keep-persistent">arrived</td>' in page
    # A browser restart keeps only the persistent one.
    c.cookies.pop("keep_session")
    page = c.get("/cookies/lifetime").text
    assert '<td id="has-keep-session">missing</td>' in page
    r = c.post("/cookies/lifetime/clear", headers={"Origin": site.origin})
    assert set_cookie_headers(r) == [
        "keep_session=; Max-Age=0; Path=/cookies/; SameSite=Lax",
        "keep_persistent=; Max-Age=0; Path=/cookies/; SameSite=Lax"]


STEP3_WHY = re.compile(r'<div id="hello-step3-why" data-why="(\w+)">(.*?)</div>',
                       re.S)


@pytest.mark.parametrize("cookie,why,says", [
    (None, "none",
     "This request carried no <code>Cookie</code> header at all"),
    ("theme=dark", "other",
     "carried other cookies but no <code>hello</code> cookie"),
    ("hello=Kim", "hello",
     "this request&#39;s <code>Cookie</code> header carried the "
     "<code>hello</code> cookie"),
])
def test_s_h1_step3_says_what_really_arrived(site, cookie, why, says):
    """S-H1 step 3: the "with a cookie" column says a Cookie header came
    only when one did, and names what was missing otherwise."""
    h = {"Cookie": cookie} if cookie else {}
    r = Client(site).get("/cookies/hello/step3", headers=h, cookies=False)
    assert r.status_code == 200
    found = STEP3_WHY.findall(r.text)
    assert [w for w, _ in found] == [why]
    assert says in found[0][1]
    if why != "hello":
        assert "carried the <code>hello</code> cookie" not in r.text
        assert "Welcome back" not in r.text


def test_s_h1_step3_in_korean(site):
    """S-H1 step 3 in Korean: no Cookie header, said in Korean first."""
    r = Client(site, accept_language="ko").get("/cookies/hello/step3",
                                               cookies=False)
    (why, text), = STEP3_WHY.findall(r.text)
    assert why == "none"
    assert text.lstrip().startswith(
        '<p lang="ko">이 요청에는 <code>Cookie</code> 헤더가 아예 '
        '없었습니다.')


def test_s_h1_remembered_name_is_a_sentence_in_korean(site):
    """S-H1: the remembered name reads as a Korean sentence, no colon."""
    r = Client(site, accept_language="ko").get(
        "/cookies/hello/step3", headers={"Cookie": "hello=Kim"},
        cookies=False)
    assert ('id="hello-remembered">쿠키에 기억된 이름은 <strong>Kim</strong>'
            '입니다.</p>') in r.text
