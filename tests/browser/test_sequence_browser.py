"""The live sequence diagram in Chromium (issue 14): seq.js draws the wire
view's exchange as SVG whose labels are what really travelled (S-S1 the
login chain POST /session/login 303 → GET /session/me 200, S-S2 the
HttpOnly sid hidden from script, S-C6 a script-readable preference
cookie), the /jwt page's 401 → refresh → retry (S-J4) from what its
script sent and received, a /compare pane's own fetches (S-X1), and a
layout that stays inside a 390 px phone screen (and a 1280 px projector)
in both themes."""
from selenium.webdriver.common.by import By

from browserkit import csp_errors, wait
from test_jwt_browser import login_on_page
from test_session_browser import submit_login as session_login

ELLIPSIS = "\u2026"


def short(v):
    return v if len(v) <= 8 else v[:8] + ELLIPSIS


def labels(driver, box_id):
    """(kind, name, text) of every labelled <text> of the diagram in box
    box_id, top to bottom."""
    return [tuple(x) for x in driver.execute_script("""
      return Array.prototype.map.call(
        document.querySelectorAll('#' + arguments[0] + ' svg text[data-kind]'),
        function (t) { return [t.getAttribute('data-kind'),
                               t.getAttribute('data-name'), t.textContent]; });
    """, box_id)]


def texts(driver, box_id, kind):
    return [t for k, _, t in labels(driver, box_id) if k == kind]


def browser_cookie(driver, name):
    """The cookie as Chromium holds it (CDP), HttpOnly flag included."""
    for c in driver.execute_cdp_cmd("Network.getCookies", {})["cookies"]:
        if c["name"] == name:
            return c
    return None


def submit_login(driver, site):
    """Log in as alice through the form (test_session_browser's), and wait
    for the diagram of /session/me."""
    session_login(driver, site, "alice", "alice-password")
    wait(driver).until(lambda d: texts(d, "seq-draw", "status"))


def set_viewport(driver, width, height):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1,
        "mobile": False})


def test_s_s1_login_chain_draws_as_one_sequence(site, driver):
    """S-S1 + S-S2: the form login lands on /session/me, whose diagram is
    one sequence: POST /session/login answered 303 → /session/me with the
    new sid's Set-Cookie (its value as Chromium now holds it, cut to 8
    characters, and its attributes), then GET /session/me sending that
    sid, answered 200. The sid is HttpOnly: Chromium says so, script
    cannot see it, and the diagram marks it hidden on the Browser side."""
    submit_login(driver, site)
    sid = browser_cookie(driver, "sid")
    assert sid and sid["httpOnly"] is True
    assert "sid=" not in driver.execute_script("return document.cookie")
    assert texts(driver, "seq-draw", "request") == [
        "POST /session/login", "GET /session/me"]
    assert texts(driver, "seq-draw", "status") == [
        "HTTP 303 → /session/me", "HTTP 200"]
    assert texts(driver, "seq-draw", "set-cookie") == [
        "Set-Cookie: sid=" + short(sid["value"])]
    assert texts(driver, "seq-draw", "set-cookie-attrs") == [
        "Path=/; HttpOnly; SameSite=Lax"]
    cookies = texts(driver, "seq-draw", "cookie")
    assert cookies[-1] == "Cookie: sid=" + short(sid["value"])
    hidden = [(n, t) for k, n, t in labels(driver, "seq-draw")
              if k == "hidden"]
    assert ("sid", "↳ HttpOnly — hidden from script") in hidden
    assert texts(driver, "seq-draw", "redirect") == [
        "↓ the browser follows the redirect"]
    # The store lane: the session read of the GET, drawn after its request.
    ops = [t for k, n, t in labels(driver, "seq-draw") if k == "op"]
    assert any(t.startswith("SELECT sessions ·\u00a0") and
               t.endswith("\u00a0µs") for t in ops), ops
    assert not csp_errors(driver)


def test_s_c6_script_readable_cookie_is_not_marked(site, driver):
    """S-C6: a preference cookie is readable by script on purpose: the
    diagram lists it in the Cookie header and does not mark it hidden,
    while the HttpOnly sid beside it is marked."""
    submit_login(driver, site)
    driver.add_cookie({"name": "theme", "value": "dark", "path": "/"})
    driver.get(site.url("/session/me"))
    wait(driver).until(lambda d: texts(d, "seq-draw", "status"))
    assert "theme=dark" in driver.execute_script("return document.cookie")
    sent = [(n, t) for k, n, t in labels(driver, "seq-draw")
            if k == "cookie"]
    sid = browser_cookie(driver, "sid")["value"]
    assert sent[-2:] == [("sid", "Cookie: sid=" + short(sid)),
                         ("theme", "theme=dark")] or \
        sent[-2:] == [("theme", "Cookie: theme=dark"),
                      ("sid", "sid=" + short(sid))]
    hidden = {n for k, n, t in labels(driver, "seq-draw") if k == "hidden"}
    assert "sid" in hidden and "theme" not in hidden


def test_s_j4_jwt_401_refresh_retry_draws_as_one_sequence(site, driver):
    """S-J4: with the access token dropped, GET /api/me is answered 401,
    the page refreshes (POST /api/auth/refresh 200) and retries (200);
    the page's diagram draws the three fetches as one sequence, the
    retry's Authorization as the new token cut short, the refresh's
    Set-Cookie as hidden from script (a fetch cannot read it), and the
    store operations and times each answer's Server-Timing gave."""
    login_on_page(driver, site)
    driver.find_element(By.ID, "jwt-forget").click()
    driver.find_element(By.ID, "jwt-me").click()
    wait(driver).until(lambda d: len(texts(d, "jwt-seq", "request")) == 3)
    assert texts(driver, "jwt-seq", "request") == [
        "GET /api/me", "POST /api/auth/refresh", "GET /api/me"]
    assert texts(driver, "jwt-seq", "status") == [
        "HTTP 401", "HTTP 200", "HTTP 200"]
    token = driver.find_element(By.ID, "jwt-raw").get_attribute(
        "textContent").strip()
    assert token.startswith("eyJ")
    assert texts(driver, "jwt-seq", "authorization") == [
        "Authorization: Bearer " + token[:8] + ELLIPSIS]
    assert len(texts(driver, "jwt-seq", "set-cookie-hidden")) == 3
    # The store lane, from each answer's Server-Timing: the refresh claims
    # its token in the refresh tables; the times come from the server.
    ops = texts(driver, "jwt-seq", "op")
    assert any(t.startswith(("UPDATE refresh_", "EVALSHA refresh rotate"))
               for t in ops), ops
    assert len(texts(driver, "jwt-seq", "time-server")) == 3
    assert texts(driver, "jwt-seq", "set-cookie") == []
    # The refresh cookie is HttpOnly and never in document.cookie.
    assert "refresh" not in driver.execute_script("return document.cookie")
    assert not csp_errors(driver)


BOX_JS = r"""
const svg = document.querySelector('#seq-draw svg');
const out = {inner: window.innerWidth, svg: svg.getBoundingClientRect().toJSON(),
             out: [], small: [], n: 0};
for (const el of svg.querySelectorAll('text, line, rect, path')) {
  const r = el.getBoundingClientRect();
  out.n++;
  if (r.left < -0.5 || r.right > window.innerWidth + 0.5 ||
      r.left < out.svg.left - 0.5 || r.right > out.svg.right + 0.5)
    out.out.push(el.tagName + ' ' + (el.textContent || '').slice(0, 40) +
                 ' ' + Math.round(r.left) + '..' + Math.round(r.right));
  if (el.tagName === 'text' && parseFloat(getComputedStyle(el).fontSize) < 12)
    out.small.push(el.textContent.slice(0, 40));
}
return out;
"""


def test_diagram_fits_a_phone_and_a_projector(site, driver, output_dir):
    """At 390 px (a phone) and 1280 px (a projector), in light and dark:
    the diagram is visible, every text, arrow and box of it lies inside
    the viewport and the SVG (nothing clipped), no text is under 12 px,
    and the page does not scroll sideways. The PNGs are kept in
    test-output/sequence/ to look at."""
    shots = output_dir / "sequence"
    shots.mkdir(parents=True, exist_ok=True)
    submit_login(driver, site)
    for width, height in ((390, 844), (1280, 720)):
        set_viewport(driver, width, height)
        for theme in ("light", "dark"):
            driver.add_cookie({"name": "theme", "value": theme, "path": "/"})
            driver.get(site.url("/session/me"))
            wait(driver).until(lambda d: texts(d, "seq-draw", "status"))
            fig = driver.find_element(By.ID, "seq")
            assert fig.is_displayed()
            a = driver.execute_script(BOX_JS)
            assert a["n"] > 20
            assert a["out"] == [], (width, theme, a["out"])
            assert a["small"] == [], (width, theme, a["small"])
            assert a["svg"]["width"] <= width
            assert driver.execute_script(
                "return document.documentElement.scrollWidth") <= width
            driver.execute_script("arguments[0].scrollIntoView()", fig)
            fig.screenshot(str(shots / f"seq-me-{theme}-{width}.png"))
    set_viewport(driver, 390, 844)
    driver.get(site.url("/jwt"))
    assert not csp_errors(driver)


def test_s_x1_compare_pane_draws_its_fetches(site, driver):
    """S-X1: on /compare, the session pane's login is a fetch the script
    made: the pane draws it (POST, 303, the cookies the browser attached
    and any Set-Cookie marked hidden from script)."""
    driver.get(site.url("/compare"))
    wait(driver).until(lambda d: d.find_element(By.ID, "pane-session"))
    form = driver.find_element(By.CSS_SELECTOR, "#pane-session form")
    action = form.get_attribute("action").replace(site.base, "")
    form.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()
    wait(driver).until(lambda d: texts(d, "pane-session-seq", "request"))
    assert texts(driver, "pane-session-seq", "request")[-1] == \
        "POST " + action
    assert texts(driver, "pane-session-seq", "status")[-1].startswith(
        "HTTP ")
    assert texts(driver, "pane-session-seq", "set-cookie-hidden")
