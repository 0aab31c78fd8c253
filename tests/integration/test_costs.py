"""S-X2 measured costs (/lab/costs): the server measures, on demand, what a
signed cookie, a session lookup and touch, HS256/RS256 verification and
the blacklist cost per operation, shows the bytes each credential adds to
a request, and says whether the figures support the articles' claims."""
import re

import sitectl
from sitectl import Client, csrf_from

OPS = ["signed_cookie", "session_lookup", "session_touch", "jwt_hs256",
       "jwt_rs256", "blacklist"]


def figure(html, op):
    m = re.search(rf'<tr id="cost-{op}"><th scope="row">[^<]*</th>'
                  rf'<td class="num">([0-9.]+)</td><td class="num">(\d+)</td>',
                  html)
    assert m, op
    return float(m.group(1)), int(m.group(2))


def test_s_x2_costs_page_explains_and_offers_a_measurement(site):
    c = Client(site)
    r = c.get("/lab/costs")
    assert r.status_code == 200
    assert "S-X2" in r.text and 'action="/lab/costs"' in r.text
    assert 'id="costs-table"' not in r.text        # nothing measured yet
    c.close()


def test_s_x2_measurement_returns_numbers_sizes_and_verdicts(site):
    c = Client(site)
    token = csrf_from(c.get("/lab/costs").text)
    sessions_before = site.query("SELECT count(*) FROM sessions")[0][0]
    r = c.post("/lab/costs", data={"csrf": token})
    assert r.status_code == 200, r.text[:500]
    for op in OPS:
        us, reps = figure(r.text, op)
        assert us > 0 and reps >= 300, (op, us, reps)
    # an RSA verification costs more than an HMAC one
    assert figure(r.text, "jwt_rs256")[0] > figure(r.text, "jwt_hs256")[0]
    assert re.search(r'id="size-session">47 bytes<', r.text)   # sid= + 43
    hs = int(re.search(r'id="size-hs256">(\d+) bytes<', r.text).group(1))
    rs = int(re.search(r'id="size-rs256">(\d+) bytes<', r.text).group(1))
    assert rs > hs > 47
    assert 'id="claim1"' in r.text and 'id="claim2"' in r.text
    revocable = float(re.search(r'id="cost-revocable">([0-9.]+) µs<',
                                r.text).group(1))
    assert revocable >= figure(r.text, "jwt_hs256")[0]
    # the throwaway session was removed again
    assert site.query("SELECT count(*) FROM sessions")[0][0] == \
        sessions_before
    c.close()


def test_s_x2_measurement_needs_csrf(site):
    c = Client(site)
    c.get("/lab/costs")
    assert c.post("/lab/costs", data={}).status_code == 403
    assert c.post("/lab/costs", data={"csrf": "x" * 43}).status_code == 403
    assert c.post("/lab/costs", data={"csrf": csrf_from(
        c.get("/lab/costs").text), "extra": "1"}).status_code == 400
    c.close()


def test_s_x2_claims_name_their_articles_in_words(site):
    """S-X2 (issue 15 §12): each claim names the article and section it
    comes from in words (the article's title), not by its file number,
    in both languages; the units are words of the page language."""
    for lang, first, second, unit in (
            ("en", "From the article “Cookies, sessions, tokens, JWT”, "
                   "section 3.4 (cookies vs sessions)",
             "From the article “Cookies vs sessions vs JWT, the complete "
             "guide”, section 6 (JWT)", "bytes"),
            ("ko", "「쿠키, 세션, 토큰, JWT」 글, 3장 4절(쿠키 vs 세션)",
             "「쿠키 vs 세션 vs JWT 완벽 정리」 글, 6장(JWT)", "바이트")):
        c = Client(site, accept_language=lang)
        token = csrf_from(c.get("/lab/costs").text)
        r = c.post("/lab/costs", data={"csrf": token})
        assert r.status_code == 200, r.text[:300]
        assert f'<span class="cost-source">{first}</span>' in r.text
        assert f'<span class="cost-source">{second}</span>' in r.text
        assert "000 §" not in r.text and "002 §" not in r.text
        assert re.search(rf'id="size-session">47 {unit}<', r.text)
        c.close()
