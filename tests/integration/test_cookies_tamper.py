"""S-C5 tampering: the cookie-only login (insecure by design) believes an
edited role; the signed cookie (crypto_auth = HMAC-SHA-512-256 under its
own key, checked here with Python's hmac) refuses any edit and says why."""
import base64
import hashlib
import hmac
import re

import pytest

from sitectl import Client, set_cookie_headers

SIGNED_RE = re.compile(r"^signed_login=(alice\.user\.([A-Za-z0-9_-]{43})); "
                       r"Path=/cookies/tamper/; HttpOnly; SameSite=Lax$")


def tag(site, payload: str) -> str:
    key = (site.keys_dir / "cookie-sign.key").read_bytes()
    mac = hmac.new(key, b"cookie\0" + payload.encode(),
                   hashlib.sha512).digest()[:32]
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def login(site, c, user="alice"):
    return c.post("/cookies/tamper/login", data={"username": user},
                  headers={"Origin": site.origin})


def test_s_c5_login_sets_three_exact_cookies(site):
    """S-C5: user and role in plain script-readable cookies, and the signed
    pair HttpOnly; all scoped to /cookies/tamper/."""
    r = login(site, Client(site))
    assert r.status_code == 303
    assert r.headers["Location"] == "/cookies/tamper/"
    lines = set_cookie_headers(r)
    assert lines[:2] == ["user=alice; Path=/cookies/tamper/; SameSite=Lax",
                         "role=user; Path=/cookies/tamper/; SameSite=Lax"]
    m = SIGNED_RE.match(lines[2])
    assert m, lines[2]
    assert m.group(2) == tag(site, "alice.user")


def test_s_c5_both_admin_pages_refuse_a_user(site):
    c = Client(site)
    login(site, c)
    r = c.get("/cookies/tamper/admin-insecure")
    assert r.status_code == 403 and 'id="insecure-admin-closed"' in r.text
    r = c.get("/cookies/tamper/admin-signed")
    assert r.status_code == 403 and "Not an admin." in r.text


def test_s_c5_edited_role_opens_insecure_page(site):
    """S-C5: role=admin written by the client is believed by the insecure
    page, which says it is insecure by design."""
    c = Client(site)
    login(site, c)
    c.cookies["role"] = "admin"
    r = c.get("/cookies/tamper/admin-insecure")
    assert r.status_code == 200
    assert 'id="insecure-admin-open"' in r.text
    assert "insecure by design" in r.text
    assert "<strong>alice</strong>" in r.text


@pytest.mark.parametrize("edit,reason", [
    (lambda v: v.replace("alice.user.", "alice.admin."),
     "The signature does not match"),
    (lambda v: v.replace("alice.", "admin.", 1),
     "The signature does not match"),
    # another last character of the tag; both canonical (its 2 unused low
    # bits zero), else it would be refused as malformed instead
    (lambda v: v[:-1] + ("A" if v[-1] != "A" else "E"),
     "The signature does not match"),
    (lambda v: v.rsplit(".", 1)[0], "is malformed"),
    (lambda v: v + "x", "is malformed"),
    (lambda v: "alice.admin." + "A" * 43, "The signature does not match"),
    (lambda v: "", "There is no"),
])
def test_s_c5_signed_cookie_refuses_any_edit(site, edit, reason):
    """S-C5: any change to the signed value is refused with the reason."""
    c = Client(site)
    login(site, c)
    c.cookies["signed_login"] = edit(c.cookies["signed_login"])
    c.cookies["role"] = "admin"
    before = site.dump()
    r = c.get("/cookies/tamper/admin-signed")
    assert r.status_code == 403
    assert 'id="signed-admin-refused"' in r.text
    assert reason in r.text
    assert site.dump() == before


def test_s_c5_only_a_key_holder_makes_admin(site):
    """S-C5: a value signed with the server's key (which only the server
    has) opens the signed page: the check is the signature, not luck."""
    c = Client(site)
    c.cookies["signed_login"] = "root.admin." + tag(site, "root.admin")
    r = c.get("/cookies/tamper/admin-signed")
    assert r.status_code == 200
    assert 'id="signed-admin-open"' in r.text
    c.cookies["signed_login"] = "root.admin." + tag(site, "root.admim")
    assert c.get("/cookies/tamper/admin-signed").status_code == 403


def test_s_c5_logout_expires_all_three(site):
    c = Client(site)
    login(site, c)
    r = c.post("/cookies/tamper/logout", headers={"Origin": site.origin})
    assert r.status_code == 303
    assert set_cookie_headers(r) == [
        "user=; Max-Age=0; Path=/cookies/tamper/; SameSite=Lax",
        "role=; Max-Age=0; Path=/cookies/tamper/; SameSite=Lax",
        "signed_login=; Max-Age=0; Path=/cookies/tamper/; HttpOnly; "
        "SameSite=Lax"]


@pytest.mark.parametrize("data,headers,status", [
    ({"username": "Alice"}, "same", 400),
    ({"username": "a"}, "same", 400),
    ({"username": "alice.admin"}, "same", 400),
    ({"username": "<script>"}, "same", 400),
    ({"username": "alice';--"}, "same", 400),
    ({}, "same", 400),
    ({"username": "alice", "role": "admin"}, "same", 400),
    ({"username": "alice"}, {"Origin": "http://evil.example"}, 403),
    ({"username": "alice"}, {}, 403),
])
def test_s_c5_login_hostile(site, data, headers, status):
    """S-C5: malformed names (a role cannot be smuggled in), unknown
    fields, foreign origins: 4xx, no cookie."""
    before = site.dump()
    h = {"Origin": site.origin} if headers == "same" else headers
    r = Client(site).post("/cookies/tamper/login", data=data, headers=h)
    assert r.status_code == status
    assert set_cookie_headers(r) == []
    assert site.dump() == before


def test_s_c5_insecure_page_escapes_what_it_believes(site):
    """S-C5: the insecure page trusts the role, but still escapes it."""
    r = Client(site).get("/cookies/tamper/admin-insecure", headers={
        "Cookie": "user=%3Cb%3E; role=<img/src=x>"})
    assert r.status_code == 403
    assert "<img/src=x>" not in r.text


@pytest.mark.parametrize("lang,label,links", [
    ("en", "insecure by design", ("Admin page (insecure)",
                                  "Admin page (signed)")),
    ("ko", "일부러 안전하지 않음", ("안전하지 않은 관리자 페이지",
                                "서명을 검증하는 관리자 페이지")),
])
def test_s_c5_badge_and_links_in_the_page_language(site, lang, label, links):
    """S-C5: the "insecure by design" badge is one short label in the
    page's language (it must not wrap), and the admin links are
    translated, not "(insecure)" / "(signed)" on a Korean page."""
    r = Client(site, accept_language=lang).get("/cookies/tamper/")
    assert re.findall(r'<span class="insecure">([^<]*)</span>', r.text) == \
        [label]
    assert f'id="to-insecure">{links[0]}</a>' in r.text
    assert f'id="to-signed">{links[1]}</a>' in r.text
    r = Client(site, accept_language=lang).get(
        "/cookies/tamper/admin-insecure")
    assert f'<span class="insecure">{label}</span>' in r.text


def test_s_c5_login_and_logout_share_one_card(site):
    """S-C5: both forms sit in one full-width card."""
    r = Client(site).get("/cookies/tamper/")
    card = re.search(r'<div class="card wide tamper-forms">(.*?)\n</div>',
                     r.text, re.S).group(1)
    assert 'action="/cookies/tamper/login"' in card
    assert 'action="/cookies/tamper/logout"' in card
