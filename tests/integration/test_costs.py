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
    m = re.search(rf'<tr id="cost-{op}"><th>[^<]*</th>'
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
    assert re.search(r'id="size-session">47 B<', r.text)   # sid= + 43
    hs = int(re.search(r'id="size-hs256">(\d+) B<', r.text).group(1))
    rs = int(re.search(r'id="size-rs256">(\d+) B<', r.text).group(1))
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
