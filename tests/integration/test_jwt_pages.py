"""The token pages: /jwt, the replay lab, the /lab/jwt decoder and forgery
lab, and the storage lab.

S-J1 decoder, S-J4 token page, S-J5 replay lab, S-J7 keys on the page,
S-J8 forgery buttons with the labelled weak verifier, S-J9 storage lab.
Every page explains itself in Korean and English and names its scenario
IDs.
"""
import html
import re

import pytest
import requests

from sitectl import (HTML_TYPE, HTTP_TIMEOUT, Client, PageScan, csrf_from,
                     main_part, set_cookie_headers)

from test_jwt_api import access_token, b64u_json, claims, hs_token
from test_jwt_refresh import Device, events, family_of, family_row


def page(client, path, status=200):
    r = client.get(path)
    assert r.status_code == status, r.text[:500]
    assert r.headers["Content-Type"] == HTML_TYPE
    return r


def english_only(text):
    """The explanation is there, in the page's one language (these clients
    ask for English): issue 14, no Korean beside it."""
    return 'lang="en"' in text and 'lang="ko"' not in text


def no_inline_script(text):
    scan = PageScan(text)
    for attrs, body in scan.scripts:
        assert attrs.get("src") and not body.strip()
    return [a["src"] for a, _ in scan.scripts]


# ---- S-J4: the token page ---------------------------------------------------------
def test_s_j4_token_page_explains_and_loads_script(client):
    """S-J4, S-J7: /jwt explains itself in both languages, names its
    scenarios, shows both kids and the JWKS link, loads jwt.js (no inline
    script) and works its replay form without script (CSRF token)."""
    r = page(client, "/jwt")
    m = main_part(r.text)
    assert english_only(m)
    for sid in ("S-J2", "S-J4", "S-J5", "S-J6", "S-J7"):
        assert sid in m
    assert "/static/js/jwt.js" in no_inline_script(r.text)
    assert "/api/auth/jwks.json" in m
    assert re.search(r"<code>hs-[A-Za-z0-9_-]{12}</code>", m)
    assert 'action="/jwt/replay"' in m and csrf_from(r.text)
    # The login button waits for script: no password leaks into a URL.
    assert 'id="jwt-login-button" type="submit" disabled' in m
    assert 'id="wire"' in r.text or 'class="wire' in r.text


def test_s_j4_static_scripts_keep_token_out_of_storage(site):
    """S-J4: the page script never touches localStorage, sessionStorage or
    document.cookie; the storage lab and the injected script are files."""
    for name in ("jwt.js", "jwt_lab.js", "jwt_storage.js",
                 "jwt_injected.js"):
        r = requests.get(site.url("/static/js/" + name),
                         timeout=HTTP_TIMEOUT)
        assert r.status_code == 200, name
    js = requests.get(site.url("/static/js/jwt.js"),
                      timeout=HTTP_TIMEOUT).text
    code = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    assert "localStorage" not in code and "sessionStorage" not in code
    assert "document.cookie" not in code


# ---- S-J5: the replay lab ----------------------------------------------------------
def test_s_j5_replay_lab_detects_reuse(site, client):
    """S-J5: pasting a spent refresh token into the attacker form: 401
    page saying reuse was detected, with the family's events, and the
    family revoked."""
    d = Device(site)
    d.login()
    stolen = d.refresh_token
    assert d.refresh().status_code == 200
    fid = family_of(site, stolen)[0]
    token = csrf_from(page(client, "/jwt").text)
    r = client.post("/jwt/replay", data={"csrf": token,
                                         "refresh_token": f"  {stolen}\n"})
    assert r.status_code == 401
    m = main_part(r.text)
    assert english_only(m) and "S-J5" in m
    assert "<code>reused</code>" in m
    assert "<code>reuse</code>" in m and "<code>login</code>" in m
    assert family_row(site, fid)["revoked_reason"] == "reuse"
    assert d.refresh().status_code == 401


def test_s_j5_replay_lab_live_token_then_victim_is_caught(site, client):
    """S-J5: a live token pasted first lets the "attacker" rotate; then
    the victim's next refresh is the replay that revokes the family."""
    d = Device(site)
    d.login("bob")
    token = csrf_from(page(client, "/jwt").text)
    r = client.post("/jwt/replay", data={"csrf": token,
                                         "refresh_token": d.refresh_token})
    assert r.status_code == 200
    m = main_part(r.text)
    assert "<code>ok</code>" in m and "&quot;name&quot;: &quot;Bob&quot;" in m
    fid = family_of(site, d.refresh_token)[0]
    r = d.refresh()
    assert r.status_code == 401 and r.json()["error_description"] == "reused"
    assert events(site, fid) == ["login", "refresh", "reuse"]


def test_s_j5_replay_lab_bound_family_revoked_at_once(site, client):
    """S-J5: with pair binding the attacker has no access token: the
    family is revoked on the first try."""
    d = Device(site)
    d.login(bind=True)
    token = csrf_from(page(client, "/jwt").text)
    r = client.post("/jwt/replay", data={"csrf": token,
                                         "refresh_token": d.refresh_token})
    assert r.status_code == 401
    assert "<code>pair mismatch</code>" in main_part(r.text)


def test_s_j5_replay_lab_needs_csrf_and_a_token(site, client):
    """S-J5: no CSRF token: 403; an empty or unknown token changes
    nothing."""
    d = Device(site)
    d.login()
    page(client, "/jwt")
    r = client.post("/jwt/replay", data={"refresh_token": d.refresh_token})
    assert r.status_code == 403
    assert family_of(site, d.refresh_token)[1] is None
    token = csrf_from(page(client, "/jwt").text)
    r = client.post("/jwt/replay", data={"csrf": token, "refresh_token": ""})
    assert r.status_code == 400
    r = client.post("/jwt/replay", data={"csrf": token,
                                         "refresh_token": "<script>"})
    assert r.status_code == 401 and "<script>" not in main_part(r.text)
    r = client.post("/jwt/replay", data={"csrf": token, "refresh_token": "x",
                                         "extra": "1"})
    assert r.status_code == 400


# ---- S-J1: the decoder ---------------------------------------------------------------
def decode(client, tok):
    token = csrf_from(page(client, "/lab/jwt").text)
    r = client.post("/lab/jwt", data={"csrf": token, "token": tok})
    assert r.status_code == 200, r.text[:500]
    return main_part(r.text)


def verdict_row(m, which):
    """The verdict cell of the real or the weak verifier's row."""
    row = re.search(r'<tr id="verdict-' + which + r'"><th>.*?</th><td>(.*?)'
                    r"</td></tr>", m, re.S)
    assert row, which
    return row.group(1)


def check_row(m, name):
    row = re.search(r'<tr class="(pass|fail|skip)"><td><code>' + name +
                    r"</code>", m)
    assert row, name
    return row.group(1)


def test_s_j1_decoder_shows_parts_and_valid_verdict(site, client):
    """S-J1: a genuine token: header, payload and signature shown, every
    check passes, both verifiers accept."""
    tok = access_token(site, "alice", "RS256")
    m = decode(client, tok)
    assert english_only(m) and "S-J1" in m
    assert "&quot;alg&quot;: &quot;RS256&quot;" in m
    assert "&quot;token_use&quot;: &quot;access&quot;" in m
    assert "signature (256 bytes)" in m
    assert tok.split(".")[2] in m
    for name in ("size", "format", "alg", "kid", "alg_for_key", "signature",
                 "iss", "aud", "token_use", "exp", "nbf", "iat", "sub",
                 "jti"):
        assert check_row(m, name) == "pass", name
    ok = ('<strong class="verdict accepted"><span aria-hidden="true">✓</span>'
          ' accepted</strong>')
    assert verdict_row(m, "real") == ok
    assert verdict_row(m, "weak").startswith(ok + ' <span class="why">')
    assert 'id="weak-fooled"' not in m


def test_s_j1_decoder_lists_every_problem(site, client):
    """S-J1: a foreign token with several problems shows all of them, and
    the signature is not checked with a key the header chose."""
    tok = (b64u_json({"alg": "none", "typ": "JWT"}) + "." +
           b64u_json({"iss": "https://other.example", "sub": "x",
                      "exp": 1, "iat": 1, "jti": "j",
                      "aud": "someone-else"}) + ".")
    m = decode(client, tok)
    assert check_row(m, "alg") == "fail"
    assert check_row(m, "kid") == "fail"
    assert check_row(m, "signature") == "skip"
    for name in ("iss", "aud", "token_use", "exp"):
        assert check_row(m, name) == "fail", name
    assert "alg not allowed for this key" in m
    assert "https://other.example" in m


def test_s_j1_decoder_shows_revoked_and_escapes(site, client):
    """S-J1: a blacklisted token is "revoked"; HTML in a pasted payload is
    escaped; garbage and oversized tokens are explained, not crashed on."""
    d = Device(site)
    d.login()
    assert d.post("/api/auth/logout", bearer=d.access).status_code == 200
    m = decode(client, d.access)
    assert "<code>revoked</code>" in m
    evil = b64u_json({"alg": "HS256"}) + "." + b64u_json(
        {"sub": "<img src=x onerror=alert(1)>"}) + ".c2ln"
    m = decode(client, evil)
    assert "<img" not in m and "&lt;img src=x" in m
    m = decode(client, "not a token")
    assert "<code>malformed</code>" in m
    m = decode(client, "a" * 5000)
    assert "<code>too large</code>" in m


# ---- S-J8: the forgery buttons ------------------------------------------------------------
@pytest.mark.parametrize("kind,reason,weak", [
    ("tampered", "bad signature", False),
    ("none", "alg not allowed for this key", True),
    ("none_mixed", "alg not allowed for this key", True),
    ("hs256_pubkey", "alg not allowed for this key", True),
    ("hs512", "alg not allowed for this key", True),
    ("expired", "expired", True),
    ("wrong_aud", "wrong aud", True),
    ("not_yet_valid", "not yet valid", True),
])
def test_s_j8_forgery_button(site, client, kind, reason, weak):
    """S-J8 (and S-J3 for not_yet_valid): each button forges a token; the
    page shows this site's verifier refusing it with the reason, the
    labelled weak verifier's verdict, and the token; the real API refuses
    it with the same reason."""
    token = csrf_from(page(client, "/lab/jwt").text)
    r = client.post("/lab/jwt/forge", data={"csrf": token, "kind": kind})
    assert r.status_code == 200, r.text[:500]
    m = main_part(r.text)
    assert english_only(m) and "S-J8" in m
    assert f"<code>{reason}</code>" in m
    real = verdict_row(m, "real")
    assert real.startswith('<strong class="verdict refused">'
                           '<span aria-hidden="true">✗</span> refused</strong>'
                           f' <code>{reason}</code> <span class="why">')
    assert verdict_row(m, "weak").startswith(
        '<strong class="verdict accepted"><span aria-hidden="true">✓</span>'
        ' accepted</strong>' if weak else
        '<strong class="verdict refused"><span aria-hidden="true">✗</span>'
        ' refused</strong>')
    assert ('id="weak-fooled"' in m) == weak
    assert "insecure by design" in m
    assert "/static/js/jwt_lab.js" in no_inline_script(r.text)
    forged = html.unescape(re.search(r'data-token="([^"]*)"', m).group(1))
    api = requests.get(site.url("/api/me"),
                       headers={"Authorization": f"Bearer {forged}"},
                       timeout=HTTP_TIMEOUT)
    assert api.status_code == 401
    assert api.headers["WWW-Authenticate"].endswith(
        f'error_description="{reason}"')


def test_s_j8_forge_refuses_unknown_kind_and_missing_csrf(client):
    """S-J8: an unknown kind is 400; no CSRF token is 403."""
    token = csrf_from(page(client, "/lab/jwt").text)
    r = client.post("/lab/jwt/forge", data={"csrf": token, "kind": "rce"})
    assert r.status_code == 400
    r = client.post("/lab/jwt/forge", data={"kind": "none"})
    assert r.status_code == 403


def test_s_j8_lab_page_labels_the_weak_verifier(client):
    """S-J8, S-J3: the lab page names the weak verifier as insecure by
    design, in both languages, with eight forgery buttons, the last one
    the not-yet-valid token (nbf ahead)."""
    m = main_part(page(client, "/lab/jwt").text)
    assert english_only(m)
    assert "src/weakjwt.c" in m
    assert len(re.findall(r'action="/lab/jwt/forge"', m)) == 8
    assert re.findall(r'name="kind" value="([a-z_0-9]+)"', m)[-1] == (
        "not_yet_valid")


# ---- S-J9: the storage lab ----------------------------------------------------------------
def test_s_j9_storage_lab_page_and_httponly_cookie(site, client):
    """S-J9: the page explains the three places in both languages; its
    lab token is useless at the API; the cookie button sets an HttpOnly,
    SameSite=Strict cookie narrowed to /jwt/storage; the echo says whether
    the cookie came, never its value."""
    r = page(client, "/jwt/storage")
    m = main_part(r.text)
    assert english_only(m) and "S-J9" in m
    assert "/static/js/jwt_storage.js" in no_inline_script(r.text)
    lab = html.unescape(re.search(r'data-token="([^"]*)"', m).group(1))
    api = requests.get(site.url("/api/me"),
                       headers={"Authorization": f"Bearer {lab}"},
                       timeout=HTTP_TIMEOUT)
    assert api.status_code == 401
    assert 'error_description="wrong aud"' in api.headers["WWW-Authenticate"]
    r = client.post("/jwt/storage/cookie",
                    data={"csrf": csrf_from(r.text), "action": "set"})
    assert r.status_code == 303
    assert r.headers["Location"] == "/jwt/storage"
    lines = set_cookie_headers(r)
    assert len(lines) == 1
    assert re.match(r"^lab_token=eyJ[A-Za-z0-9_.-]+; Max-Age=600; "
                    r"Path=/jwt/storage; HttpOnly; SameSite=Strict$",
                    lines[0]), lines
    r = client.get("/jwt/storage/echo")
    assert r.json() == {"lab_cookie_sent": True,
                        "bytes": len(client.cookies["lab_token"])}
    r = page(client, "/jwt/storage")
    r = client.post("/jwt/storage/cookie",
                    data={"csrf": csrf_from(r.text), "action": "clear"})
    assert set_cookie_headers(r) == [
        "lab_token=; Max-Age=0; Path=/jwt/storage; HttpOnly; SameSite=Strict"]
    assert client.get("/jwt/storage/echo").json()["lab_cookie_sent"] is False
    r = page(client, "/jwt/storage")
    r = client.post("/jwt/storage/cookie",
                    data={"csrf": csrf_from(r.text), "action": "steal"})
    assert r.status_code == 400


def test_s_j1_pages_in_korean(site):
    """S-J1, S-J4: the pages render in Korean for a Korean browser."""
    c = Client(site, accept_language="ko")
    try:
        for path in ("/jwt", "/lab/jwt", "/jwt/storage"):
            r = c.get(path)
            assert r.status_code == 200
            assert '<html lang="ko"' in r.text
    finally:
        c.close()
