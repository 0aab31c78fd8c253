"""The wire view (S-S1, S-S2, S-S8): each page shows the Cookie header it
received, each Set-Cookie it sent, and the stored record. Duplicate cookie
names: the first wins (RFC 6265 §5.4) and the page says so."""
import html
import re

from sitectl import (SID_COOKIE_RE, SID_REMEMBER_RE, Client, one_sid_cookie,
                     set_cookie_headers, sid_hash)


def sid_row(page, value):
    return (f'<tr data-cookie="sid"><td><code>sid</code></td><td>'
            f'<code class="val">{value}</code></td>')


def login(c, **kw):
    token = c.login_form()
    form = {"username": "alice", "password": "alice-password", "csrf": token}
    form.update(kw)
    r = c.post("/session/login", data=form)
    assert r.status_code == 303
    return r


def test_s_s1_login_form_shows_its_set_cookie(site):
    """S-S1: the login form's wire view shows the exact Set-Cookie line the
    response carried (the guest session's sid), attribute by attribute."""
    r = Client(site).get("/session/login")
    line = one_sid_cookie(r).string
    assert f'<span class="hname">Set-Cookie:</span> {line}</pre>' in r.text
    for attr in ("Path=/", "HttpOnly", "SameSite=Lax"):
        assert f"<li><code>{attr}</code>" in r.text
    assert "No Max-Age or Expires: a session cookie." in r.text
    assert "This request carried no <code>Cookie</code> header" in r.text


def test_s_s1_me_shows_cookie_received_and_login_set_cookie(client, site):
    """S-S1: /session/me shows the raw Cookie header (sid=<value>) and the
    exact Set-Cookie line of the login's 303 response."""
    r = login(client)
    line = set_cookie_headers(r)[0]
    assert SID_COOKIE_RE.match(line)
    sid = client.sid
    me = client.get("/session/me")
    assert me.status_code == 200
    assert f'<span class="hname">Cookie:</span> sid={sid}</pre>' in me.text
    assert sid_row(me.text, sid) in me.text
    assert f'<span class="hname">Set-Cookie:</span> {line}</pre>' in me.text
    # The curl line for the theft demonstration (S-S8).
    assert (f"curl -s -H 'Cookie: sid={sid}' {site.base}/session/state"
            in me.text)


def test_s_s9_me_shows_persistent_login_set_cookie(client):
    """S-S9: after remember me, /session/me shows the login Set-Cookie with
    Max-Age=1209600."""
    r = login(client, remember="1")
    line = one_sid_cookie(r, SID_REMEMBER_RE).string
    me = client.get("/session/me")
    assert f'<span class="hname">Set-Cookie:</span> {line}</pre>' in me.text
    assert "Max-Age=1209600" in line


def test_s_s2_stored_panel_shows_hash_not_id(client):
    """S-S2: the stored panel shows the row by the hash of the ID, the user
    and the data; the logged-in ID appears only where the browser sent it."""
    login(client)
    sid = client.sid
    me = client.get("/session/me").text
    stored = me.split('id="wire-stored"', 1)[1]
    assert f"<code>{sid_hash(sid).hex()[:16]}…</code>" in stored
    assert "1 (<code>alice</code>, user)" in stored
    assert "&quot;rotated_from&quot;" in stored
    assert sid not in stored


def test_s_s2_guest_stored_panel(site):
    """S-S2: a guest session is shown as a row with user_id NULL."""
    c = Client(site)
    c.login_form()
    r = c.get("/session/login")
    stored = r.text.split('id="wire-stored"', 1)[1]
    assert "NULL — guest session (not logged in)" in stored


def test_s_s1_duplicate_sid_first_wins(client, site):
    """S-S1: `Cookie: sid=<valid>; sid=garbage` is logged in (the first
    wins) and the page marks the second as a duplicate (class "dup");
    `sid=garbage; sid=<valid>` is not logged in."""
    login(client)
    valid = client.sid
    both = f"sid={valid}; sid=garbage"
    r = client.get("/session/me", cookies=False, headers={"Cookie": both})
    assert r.status_code == 200
    assert "<strong>Alice</strong>" in r.text
    assert '<tr class="dup" data-cookie="sid">' in r.text
    assert '<code class="val">garbage</code>' in r.text
    assert "Several cookies with the same name arrived" in r.text
    assert "the first one wins" in r.text
    # The first row is the live one and is not marked.
    assert (f'<tr data-cookie="sid"><td><code>sid</code></td><td>'
            f'<code class="val">{valid}</code>') in r.text
    st = client.state(cookies=False, headers={"Cookie": both})
    assert st["authenticated"] is True

    reverse = f"sid=garbage; sid={valid}"
    r = client.get("/session/me", cookies=False, headers={"Cookie": reverse})
    assert r.status_code == 401
    st = client.state(cookies=False, headers={"Cookie": reverse})
    assert st["authenticated"] is False
    # The real session is untouched by the confusion.
    assert client.state()["authenticated"] is True


def test_s_s1_cookie_values_are_escaped(site):
    """HTML in a received cookie is shown escaped, never as markup."""
    evil = '<script>alert(1)</script>'
    r = Client(site).get("/session/login",
                         headers={"Cookie": f"x={evil}; y=\"q\"&amp"})
    assert r.status_code == 200
    assert evil not in r.text
    assert html.escape(evil, quote=True) in r.text or \
        "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert not re.search(r"<script>(?!</script>)", r.text.replace(
        '<script src="/static/js/wire.js" defer></script>', ""))


def test_s_s1_js_visible_cell_is_filled_by_script(client):
    """S-S1: the 'Visible to script?' cell starts as '?', carries both
    answers for wire.js, and the page loads wire.js from /static/."""
    login(client)
    me = client.get("/session/me").text
    assert ('<td class="js-visible" data-yes="yes — in document.cookie" '
            'data-no="no — HttpOnly">?</td>') in me
    assert '<script src="/static/js/wire.js" defer></script>' in me
