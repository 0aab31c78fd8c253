"""The token pages tell the truth, in both languages (issue 15).

S-J1 the decoder: distinct verdicts ("accepted" and "refused" differ in
class, mark and word), the real cause of the weak verifier's verdict (for
the jwt.io sample token: its kid names no key, so libjwt checks no
signature), the size row, the three parts colour-coded. S-J3: exp, iat
and nbf as local times in the site's zone and as relative times, and the
not-yet-valid token (nbf ahead). S-J4: /jwt hands its script the server's
clock and zone. S-J5: the replay lab's events explained. Every token
reason, refresh outcome and event has a Korean explanation, and the
Korean of jwt.tsv and of the JWT page scripts follows docs/glossary.md.
"""
import html
import re
import time
from pathlib import Path

import pytest

import sitectl
from sitectl import Client, csrf_from, kst, main_part

from test_jwt_api import access_token, b64u_json
from test_jwt_pages import decode, verdict_row
from test_jwt_refresh import Device

ROOT = Path(__file__).resolve().parents[2]
JWTIO = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
         "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
         "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")

# token_reason_text (src/token.c) and bearer.c's "no bearer token"; the
# refresh outcomes (src/refresh.c); family events and details.
REASONS = ["malformed", "too large", "alg not allowed for this key",
           "unknown kid", "bad signature", "wrong iss", "wrong aud",
           "wrong token_use", "expired", "not yet valid", "revoked",
           "issued before a revocation", "no such account",
           "no bearer token"]
OUTCOMES = ["ok", "unknown", "expired", "revoked", "reused", "pair mismatch"]
EVENTS = ["login", "refresh", "reuse", "pair_mismatch", "logout",
          "logout_all", "revoke", "password_change", "revoke_all", "reset"]
DETAILS = ["pair binding on", "a spent refresh token was presented again",
           "another access token came with it",
           "no access token came with it"]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def kst_site():
    """A site in the default zone of the Makefile, Asia/Seoul (KST)."""
    with sitectl.private_site("jwt-kst", extra_env={"TZ": "Asia/Seoul"}) as s:
        yield s


def delta(t, now, ko=False):
    """wire_format_delta (src/wire.c)."""
    d = abs(t - now)
    if d == 0:
        return "지금" if ko else "now"
    # Korean counts in its own units (issue 15 §11): "14분 59초 후".
    u = ("일", "시간", "분", "초") if ko else ("d", "h", "m", "s")
    if d >= 86400:
        span = f"{d // 86400}{u[0]} {d % 86400 // 3600}{u[1]}"
    elif d >= 3600:
        span = f"{d // 3600}{u[1]} {d % 3600 // 60}{u[2]}"
    elif d >= 60:
        span = f"{d // 60}{u[2]} {d % 60}{u[3]}"
    else:
        span = f"{d}{u[3]}"
    if ko:
        return span + (" 후" if t > now else " 전")
    return f"in {span}" if t > now else f"{span} ago"


def forge(c, kind):
    token = csrf_from(c.get("/lab/jwt").text)
    r = c.post("/lab/jwt/forge", data={"csrf": token, "kind": kind})
    assert r.status_code == 200, r.text[:500]
    return main_part(r.text)


def check(m, name):
    """(class, result cell, detail cell) of a checklist row."""
    row = re.search(r'<tr class="(pass|fail|skip)"><td><code>' + name +
                    r"</code></td><td>.*?</td><td>(.*?)</td><td>(.*?)"
                    r"</td></tr>", m, re.S)
    assert row, name
    return row.groups()


ACCEPTED = ('<strong class="verdict accepted"><span aria-hidden="true">✓'
            '</span> {}</strong>')
REFUSED = ('<strong class="verdict refused"><span aria-hidden="true">✗'
           '</span> {}</strong>')


# ---- S-J1: verdicts and their causes ------------------------------------------------
def test_s_j1_jwtio_sample_gives_the_real_cause(client):
    """S-J1: the jwt.io sample token has no kid. This site refuses it as
    "unknown kid", explained; the weak verifier accepts it, and the page
    says why: no key, so libjwt 1.10.2 checked no signature. The
    signature row says the same, not "the header may not choose"."""
    m = decode(client, JWTIO)
    assert verdict_row(m, "real") == (
        REFUSED.format("refused") + " <code>unknown kid</code> "
        '<span class="why">the kid is missing or names none of this '
        "site&#39;s keys: there is no key to verify with.</span>")
    assert verdict_row(m, "weak") == (
        ACCEPTED.format("accepted") + ' <span class="why">the kid names '
        "none of this site&#39;s keys (missing or unknown), so "
        "<code>jwt_decode</code> was called without a key, and libjwt "
        "1.10.2 checks no signature at all without one. That is why any "
        "signature passes.</span>")
    assert 'id="weak-fooled"' in m
    kind, result, detail = check(m, "signature")
    assert kind == "skip"
    assert result == '<span aria-hidden="true">—</span> not checked'
    # One language a page (issue 14): no Korean beside it.
    assert detail == ('<span lang="en">not checked: the kid names none of '
                      "this site&#39;s keys</span>")
    # Any signature at all: the weak verifier never looked at it.
    m = decode(client, JWTIO.rsplit(".", 1)[0] + ".AAAA")
    assert verdict_row(m, "weak").startswith(ACCEPTED.format("accepted"))


def test_s_j1_jwtio_sample_in_korean(site):
    """S-J1: the same verdicts on a Korean page, with Korean causes."""
    c = Client(site, accept_language="ko")
    try:
        m = decode(c, JWTIO)
    finally:
        c.close()
    assert verdict_row(m, "real") == (
        REFUSED.format("거부") + " <code>unknown kid</code> "
        '<span class="why">kid가 없거나 이 사이트의 키를 가리키지 않습니다. '
        "검증할 키가 없습니다.</span>")
    assert verdict_row(m, "weak").startswith(
        ACCEPTED.format("받아들임") + ' <span class="why">kid가 이 사이트의 '
        "키를 가리키지 않습니다(kid가 없거나 모르는 kid). 그래서 키 없이 "
        "<code>jwt_decode</code>를 불렀고,")


@pytest.mark.parametrize("kind,accepted,cause", [
    ("tampered", False, "the signature, checked with the key its kid "
                        "names under the alg its header names, does not "
                        "match."),
    ("none", True, "the header says <code>alg: none</code> (no signature)"),
    ("none_mixed", True, "the header says <code>alg: none</code>"),
    ("hs256_pubkey", True, "the kid names the RSA key, but the header&#39;s "
                           "alg was trusted, so the RSA public key&#39;s "
                           "PEM text served as the HMAC secret (key "
                           "confusion)."),
    ("hs512", True, "the kid names the RSA key, but the header&#39;s alg"),
    ("expired", True, "checked with the key its kid names, under that "
                      "key&#39;s algorithm: the signature is genuine. But "
                      "no claim"),
    ("wrong_aud", True, "the signature is genuine. But no claim"),
    ("not_yet_valid", True, "the signature is genuine. But no claim"),
])
def test_s_j8_weak_verifier_says_why(client, kind, accepted, cause):
    """S-J8: for each forgery the weak verifier's verdict comes with the
    cause that fits it (no key, key confusion, claims not checked, a
    signature that does not match)."""
    m = forge(client, kind)
    verdict = (ACCEPTED.format("accepted") if accepted else
               REFUSED.format("refused"))
    assert verdict_row(m, "weak").startswith(verdict + ' <span class="why">')
    assert cause in verdict_row(m, "weak")


def test_s_j1_size_row_reads_as_a_sentence(site, client):
    """S-J1: the size row explains eyJ in a sentence, both languages."""
    tok = access_token(site)
    m = decode(client, tok)
    assert (f"<tr><th>Size (bytes)</th><td>{len(tok)} — starts with "
            "<code>eyJ</code>, which is <code>{&quot;</code> written in "
            "base64url: the header is a JSON object.</td></tr>") in m
    c = Client(site, accept_language="ko")
    try:
        m = decode(c, tok)
    finally:
        c.close()
    assert (f"<tr><th>크기(바이트)</th><td>{len(tok)} — <code>eyJ</code>로 "
            "시작합니다. <code>{&quot;</code>를 base64url로 쓰면 "
            "<code>eyJ</code>가 되므로, 헤더가 JSON 객체라는 "
            "표시입니다.</td></tr>") in m


def test_s_j1_token_parts_are_colour_coded(site, client):
    """S-J1, S-J8: the token is shown with its header, payload and
    signature in their own classes (jwt.io's colours, site.css); the
    part boxes carry the same classes; a token that is not three parts
    is shown plain."""
    tok = access_token(site)
    h, p, s = tok.split(".")
    m = decode(client, tok)
    assert ('<pre class="raw token jwt-colored" id="lab-token-parts">'
            f'<span class="tok-h">{h}</span>.<span class="tok-p">{p}</span>.'
            f'<span class="tok-s">{s}</span></pre>') in m
    for part in ("part-h", "part-p", "part-s"):
        assert f'<div class="part {part}"><p class="raw-label">' in m
    m = forge(client, "expired")
    forged = html.unescape(re.search(r'data-token="([^"]*)"', m).group(1))
    h, p, s = forged.split(".")
    assert (f'data-token="{forged}"><span class="tok-h">{h}</span>.'
            f'<span class="tok-p">{p}</span>.<span class="tok-s">{s}</span>'
            "</pre>") in m
    assert 'id="lab-token-parts"' not in m     # shown once on that page
    m = decode(client, "not.a-token")
    assert ('id="lab-token-parts">not.a-token</pre>') in m


# ---- S-J3: time claims as local and relative times --------------------------------------
def claim_time_html(t, now, past_ok, ko=False):
    cls = "delta past-ok" if past_ok else "delta"
    return (f'<time>{kst(t)}</time> <span class="{cls}" data-at="{t}" '
            f'data-now="{now}">({delta(t, now, ko)})</span>')


def test_s_j3_time_claims_in_site_zone_and_relative(kst_site):
    """S-J3: the decoder shows exp, nbf and iat in the site's zone (KST),
    in the one format of wire_format_time, and relative to the site
    clock, which the page also shows; in Korean too."""
    tok = access_token(kst_site)
    for lang in ("en", "ko"):
        c = Client(kst_site, accept_language=lang)
        try:
            m = decode(c, tok)
        finally:
            c.close()
        now = int(re.search(r'data-now="(\d+)"', m).group(1))
        assert f'<time id="lab-now">{kst(now)}</time>' in m
        claims = {k: int(v) for k, v in re.findall(
            r'&quot;(exp|nbf|iat)&quot;: (\d+)', m)}
        assert set(claims) == {"exp", "nbf", "iat"}
        assert claims["exp"] - claims["iat"] == 900
        for name in ("exp", "nbf", "iat"):
            kind, _, detail = check(m, name)
            assert kind == "pass", name
            assert detail == claim_time_html(claims[name], now,
                                             name != "exp", lang == "ko")


def test_s_j3_not_yet_valid_token(kst_site):
    """S-J3: a genuinely signed token whose nbf is an hour ahead: the nbf
    check fails and says "in 1h 0m", the real verifier refuses it as
    "not yet valid" with its meaning, the weak verifier takes it."""
    c = Client(kst_site)
    try:
        m = forge(c, "not_yet_valid")
    finally:
        c.close()
    now = int(re.search(r'data-now="(\d+)"', m).group(1))
    kind, result, detail = check(m, "nbf")
    assert kind == "fail"
    assert result == '<span aria-hidden="true">✗</span> failed'
    assert detail == claim_time_html(now + 3600, now, True)
    assert "(in 1h 0m)" in detail
    assert check(m, "exp")[2] == claim_time_html(now + 7200, now, False)
    assert check(m, "iat")[2] == claim_time_html(now, now, True)
    assert verdict_row(m, "real") == (
        REFUSED.format("refused") + " <code>not yet valid</code> "
        '<span class="why">not valid yet: its nbf time has not '
        "come.</span>")
    assert verdict_row(m, "weak").startswith(ACCEPTED.format("accepted"))
    assert "S-J3" in m


# ---- S-J4: the page script gets the server's clock and zone -----------------------------
def test_s_j4_token_page_carries_server_clock_and_zone(kst_site):
    """S-J4, S-J3: /jwt gives its script the site clock (data-now, the
    demo offset included) and the site's zone (KST, +9 h), so the
    countdown and the times never use the browser's clock or zone."""
    c = Client(kst_site)
    admin = Client(kst_site)
    try:
        before = int(time.time())
        r = c.get("/jwt")
        after = int(time.time())
        app = re.search(r'<section id="jwt-app" data-access-ttl="900" '
                        r'data-now="(\d+)" data-tz="KST" '
                        r'data-tz-offset="32400">', r.text)
        assert app, r.text[:2000]
        assert before <= int(app.group(1)) <= after
        assert admin.login("admin", "admin-password").status_code == 303
        token = csrf_from(admin.get("/session/admin").text)
        assert admin.post("/session/admin/clock", data={
            "csrf": token, "minutes": "60"}).status_code == 200
        try:
            sitectl.wait_next_second()   # each process re-reads the offset
            before = int(time.time())
            r = c.get("/jwt")
            after = int(time.time())
            now = int(re.search(r'data-now="(\d+)"', r.text).group(1))
            assert before + 3600 <= now <= after + 3600
        finally:
            token = csrf_from(admin.get("/session/admin").text)
            assert admin.post("/session/admin/clock/reset", data={
                "csrf": token}).status_code == 200
            sitectl.wait_next_second()
    finally:
        c.close()
        admin.close()


# ---- S-J5: the replay lab's events, explained ---------------------------------------------
def test_s_j5_replay_events_explained_in_korean(kst_site):
    """S-J5: on a Korean page the outcome and each event say what they
    mean, in Korean, beside the stored value; times are KST."""
    d = Device(kst_site)
    d.login()
    stolen = d.refresh_token
    assert d.refresh().status_code == 200
    c = Client(kst_site, accept_language="ko")
    try:
        token = csrf_from(c.get("/jwt").text)
        r = c.post("/jwt/replay", data={"csrf": token,
                                        "refresh_token": stolen})
    finally:
        c.close()
    assert r.status_code == 401
    m = main_part(r.text)
    assert ("<code>reused</code> — 이미 쓴 리프레시 토큰이 다시 왔습니다. "
            "재사용 감지로 패밀리 전체를 폐기했습니다.") in m
    rows = re.findall(r"<tr><td>([^<]*)</td><td class=\"ev-(ok|bad)\">"
                      r"<code>([a-z_]+)</code> ([^<]*)</td><td>([^<]*)"
                      r"</td></tr>", m)
    assert [(k, cls) for _, cls, k, _, _ in rows] == [
        ("reuse", "bad"), ("refresh", "ok"), ("login", "ok")]
    for when, *_ in rows:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d KST", when)
    assert rows[0][3:] == ("이미 쓴 토큰이 다시 와서(재사용 감지) 폐기했습니다.",
                           "이미 쓴 리프레시 토큰이 다시 왔습니다.")
    assert rows[2][3:] == ("로그인으로 리프레시 토큰 패밀리가 생겼습니다.", "")
    assert "a spent refresh token" not in m


# ---- every protocol word has both languages -----------------------------------------------
def words_of(site, lang, path="/jwt"):
    c = Client(site, accept_language=lang)
    try:
        r = c.get(path)
    finally:
        c.close()
    box = re.search(r'<div id="jwt-words" hidden>\n(.*?)</div>', r.text, re.S)
    assert box, path
    return {html.unescape(k): v for k, v in re.findall(
        r'<span data-w="([^"]+)">(.*?)</span>\n', box.group(1))}


def test_every_token_word_is_explained_in_both_languages(site):
    """The token reasons (RFC 6750 error_description, English on the wire),
    refresh outcomes, family events and event details each have a Korean
    explanation on Korean pages and an English one on English pages: the
    list page scripts read (/jwt and the forgery page)."""
    want = ([f"reason:{w}" for w in REASONS] +
            [f"outcome:{w}" for w in OUTCOMES] +
            [f"event:{w}" for w in EVENTS] +
            [f"detail:{w}" for w in DETAILS])
    ko, en = words_of(site, "ko"), words_of(site, "en")
    assert list(ko) == want and list(en) == want
    for w in want:
        assert HANGUL.search(ko[w]), (w, ko[w])
        assert en[w] and not HANGUL.search(en[w]), (w, en[w])
    assert ko["reason:alg not allowed for this key"] == (
        "헤더의 alg가 kid가 가리키는 키의 알고리즘이 아닙니다. 이 사이트의 "
        "검증기는 헤더가 알고리즘을 고르게 두지 않습니다.")
    assert ko["detail:a spent refresh token was presented again"] == (
        "이미 쓴 리프레시 토큰이 다시 왔습니다.")


def test_s_j8_forgery_page_carries_the_words(site):
    """S-J8: the forgery page carries the same list for jwt_lab.js."""
    c = Client(site, accept_language="ko")
    try:
        m = forge(c, "none")
    finally:
        c.close()
    assert 'id="forge-meaning"' in m
    assert ('<span data-w="reason:alg not allowed for this key">헤더의 alg가 '
            ) in m


def test_s_j9_storage_cookie_state_for_script(site, client):
    """S-J9: the cookie row names its state cell and both texts, so that
    the page script can show the server's answer without a reload."""
    m = main_part(client.get("/jwt/storage").text)
    assert ('<form method="post" action="/jwt/storage/cookie" class="inline"'
            ' id="storage-cookie-form">') in m
    assert ('<td id="storage-cookie-state" data-on="held by the browser (it '
            'reached the server)" data-off="none">none</td>') in m


# ---- the Korean follows docs/glossary.md --------------------------------------------------
def korean_strings():
    """(where, Korean) for jwt.tsv and the t('ko', 'en') pairs of the JWT
    page scripts."""
    out = []
    for line in (ROOT / "templates/strings/jwt.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            key, ko, en = line.split("\t")
            out.append((key, ko))
    pair = re.compile(r"t\('((?:[^'\\]|\\.)*)',\s*['\"]")
    for name in ("jwt.js", "jwt_lab.js", "jwt_storage.js"):
        js = (ROOT / "www/static/js" / name).read_text()
        out += [(name, ko) for ko in pair.findall(js)]
    js = (ROOT / "www/static/js/jwt_injected.js").read_text()
    out += [("jwt_injected.js", ko) for ko in
            re.findall(r"ko \? '((?:[^'\\]|\\.)*)'", js)]
    return out


def test_jwt_korean_follows_the_glossary():
    """Issue 15, point 12: no "당신", refresh families are "리프레시 토큰
    패밀리" (never "가족"), rotation is "토큰 회전", no article cited by
    file number, and no English-style colon joining Korean clauses
    (colons inside `code` do not count)."""
    found = korean_strings()
    assert len(found) > 250
    bad = []
    for where, ko in found:
        prose = re.sub(r"`[^`]*`", "", ko)
        if re.search(r"당신|가족|교체|§|seed \d|\b00\d\b", prose):
            bad.append((where, ko))
        if re.search(r"[\uac00-\ud7a3)]\s*:\s", prose):
            bad.append((where, ko))
    assert not bad, bad
