"""S-X1 /compare in headless Chromium: all three panes.

Each pane logs in, asks "who am I", adds to the cart and logs out through
its own endpoints, and the live view shows what the browser holds beside
what the server holds: document.cookie lacks the HttpOnly cookies (cmp_*,
sid, refresh_token), the JWT pane's token lives in page memory and never
in localStorage, and the table's byte counts are the measured ones.
Related: S-C5, S-S1, S-S5, S-J2, S-J6.
"""
import json
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import sitectl
from sitectl import Client, csrf_from
from browserkit import wait, csp_errors


def text(driver, id_):
    return driver.find_element(By.ID, id_).get_attribute("textContent")


def state_of(driver, id_):
    return driver.find_element(By.ID, id_).get_attribute("data-in")


def open_compare(driver, site):
    driver.get(site.url("/compare"))
    # The script has run when it shows its buttons and the live view.
    wait(driver).until(lambda d: d.find_element(
        By.ID, "cmp-refresh").is_displayed())
    wait(driver).until(lambda d: text(d, "session-browser-live") != "")


def submit(driver, form_id):
    driver.find_element(By.CSS_SELECTOR,
                        f"#{form_id} button[type=submit]").click()


def add_to_cart(driver, pane, product, qty):
    Select(driver.find_element(By.ID, f"{pane}-product")) \
        .select_by_value(str(product))
    q = driver.find_element(By.ID, f"{pane}-qty")
    q.clear()
    q.send_keys(str(qty))
    submit(driver, f"{pane}-add")


def cart_items(driver, pane):
    # One script call: the list is redrawn after every action.
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".map(function (li) { return li.textContent; });",
        f"#{pane}-cart li")


def test_s_x1_cookie_only_pane_in_chromium(driver, site):
    """S-X1/S-C5: log in, who am I, add to cart, log out; the signed cookies
    are HttpOnly (absent from document.cookie) and the server holds
    nothing."""
    open_compare(driver, site)
    assert state_of(driver, "cookie-status") == ""
    submit(driver, "cookie-login")
    wait(driver).until(lambda d: state_of(d, "cookie-status") == "1")
    assert "alice (user)" in text(driver, "cookie-status")
    live = text(driver, "cookie-browser-live")
    assert "cmp_login:" in live and "not visible (HttpOnly)" in live
    # Only the cookie the browser holds (no cart yet), not both names.
    assert text(driver, "cookie-browser").startswith("cmp_login: ")
    assert "cmp_login" not in driver.execute_script("return document.cookie")
    assert text(driver, "cookie-server").strip() == "nothing"
    # who am I
    driver.find_element(By.ID, "cookie-me").click()
    wait(driver).until(lambda d: '"user": "alice"' in text(d,
                                                           "cookie-me-out"))
    assert text(driver, "cookie-me-out").startswith("→ 200")
    # add to cart, twice
    add_to_cart(driver, "cookie", 1, 2)
    wait(driver).until(lambda d: len(cart_items(d, "cookie")) == 1)
    add_to_cart(driver, "cookie", 1, 3)
    wait(driver).until(lambda d: cart_items(d, "cookie") and
                       cart_items(d, "cookie")[0].endswith("× 5"))
    # the table's bytes are what the browser sent
    state = json.loads(driver.execute_script(
        "return fetch('/compare/state').then(r => r.text())"))
    assert text(driver, "t-cookie-bytes") == str(state["cookie"]["bytes"])
    assert state["cookie"]["bytes"] > 100
    # log out
    submit(driver, "cookie-logout")
    wait(driver).until(lambda d: state_of(d, "cookie-status") == "")
    wait(driver).until(lambda d: cart_items(d, "cookie") == [])
    assert text(driver, "t-cookie-bytes") == "0"
    assert text(driver, "cookie-browser") == "no cookies"
    assert csp_errors(driver) == []


def test_s_x1_session_pane_in_chromium(driver, site):
    """S-X1/S-S1/S-S5: the session pane drives the real /session/login,
    /session/state, /cart/add and /session/logout; the browser holds only
    the HttpOnly sid, the server the row."""
    open_compare(driver, site)
    assert "sessions row" in text(driver, "session-server")
    submit(driver, "session-login")
    wait(driver).until(lambda d: state_of(d, "session-status") == "1")
    assert "alice" in text(driver, "session-status")
    live = text(driver, "session-browser-live")
    assert live.startswith("sid: 47 bytes") and "not visible (HttpOnly)" in live
    assert "sid=" not in driver.execute_script("return document.cookie")
    assert '"user_carts"' in text(driver, "session-server-live")
    assert text(driver, "t-session-bytes") == "47"
    # who am I
    driver.find_element(By.ID, "session-me").click()
    wait(driver).until(lambda d: '"authenticated": true' in text(
        d, "session-me-out"))
    # add to cart: the CSRF token was refreshed after the login rotated
    # the session ID, so the real /cart/add accepts it
    before = len(cart_items(driver, "session"))
    add_to_cart(driver, "session", 9, 1)
    wait(driver).until(lambda d: "/cart/add 303" in text(d,
                                                          "session-me-out"))
    wait(driver).until(lambda d: any("Barley" in i for i in
                                     cart_items(d, "session")))
    assert len(cart_items(driver, "session")) >= max(before, 1)
    # log out, then log in again without a reload (a fresh guest session)
    submit(driver, "session-logout")
    wait(driver).until(lambda d: state_of(d, "session-status") == "")
    wait(driver).until(lambda d: "/session/logout 200" in text(
        d, "session-me-out"))
    submit(driver, "session-login")
    wait(driver).until(lambda d: state_of(d, "session-status") == "1")
    submit(driver, "session-logout")
    wait(driver).until(lambda d: state_of(d, "session-status") == "")
    assert csp_errors(driver) == []


def test_s_x1_jwt_pane_in_chromium(driver, site):
    """S-X1/S-J2/S-J6: the token lives in page memory only (not
    localStorage, sessionStorage or document.cookie); who am I is /api/me
    with the Bearer header; the cart goes through /api/cart/add; the
    server side is the refresh family; logout revokes it."""
    open_compare(driver, site)
    assert driver.find_element(By.ID, "jwt-me").get_attribute("disabled")
    submit(driver, "jwt-login")
    wait(driver).until(lambda d: state_of(d, "jwt-status") == "1")
    assert "Alice (user), RS256" in text(driver, "jwt-status")
    live = text(driver, "jwt-browser-live")
    assert "access token in memory:" in live and "localStorage: []" in live
    assert "not visible (HttpOnly, Path=/api/auth)" in live
    assert driver.execute_script(
        "return localStorage.length + sessionStorage.length") == 0
    assert "refresh_token" not in driver.execute_script(
        "return document.cookie")
    assert "eyJ" not in driver.execute_script("return document.cookie")
    wait(driver).until(lambda d: '"current": true' in text(
        d, "jwt-server-live"))
    assert "1 live" in text(driver, "t-jwt-server") or \
        " live" in text(driver, "t-jwt-server")
    assert int(text(driver, "t-jwt-bytes")) > 300
    # who am I
    driver.find_element(By.ID, "jwt-me").click()
    wait(driver).until(lambda d: text(d, "jwt-me-out").startswith(
        "→ GET /api/me 200"))
    assert '"blacklist_consulted": true' in text(driver, "jwt-me-out")
    # add to cart
    add_to_cart(driver, "jwt", 10, 1)
    wait(driver).until(lambda d: text(d, "jwt-me-out").startswith(
        "→ POST /api/cart/add 200"))
    assert any("Yuja" in i for i in cart_items(driver, "jwt"))
    # log out: the family is revoked and the token forgotten
    driver.find_element(By.ID, "jwt-logout").click()
    wait(driver).until(lambda d: state_of(d, "jwt-status") == "")
    assert '"family_revoked": true' in text(driver, "jwt-me-out")
    assert "access token in memory: none" in text(driver, "jwt-browser-live")
    assert text(driver, "t-jwt-bytes") == "0"
    assert csp_errors(driver) == []


def test_s_x1_reload_forgets_the_jwt_but_keeps_the_cookies(driver, site):
    """S-X1: a reload keeps the cookie-only and session logins (cookies)
    but forgets the JWT pane's token (memory); the refresh cookie gets a
    new one (S-J4)."""
    open_compare(driver, site)
    submit(driver, "cookie-login")
    wait(driver).until(lambda d: state_of(d, "cookie-status") == "1")
    submit(driver, "jwt-login")
    wait(driver).until(lambda d: state_of(d, "jwt-status") == "1")
    open_compare(driver, site)
    assert state_of(driver, "cookie-status") == "1"
    assert state_of(driver, "jwt-status") == ""
    assert "No token" in text(driver, "jwt-status")
    # The HttpOnly refresh cookie (sent to /api/auth only) mints a new one.
    driver.find_element(By.ID, "jwt-refresh").click()
    wait(driver).until(lambda d: state_of(d, "jwt-status") == "1")
    assert text(driver, "jwt-me-out").startswith(
        "→ POST /api/auth/refresh 200")
    assert driver.execute_script("return localStorage.length") == 0


def test_s_x1_jwt_pane_shows_the_refresh_cookie_that_exists(driver, site):
    """S-X1/S-J4 (issue 15 §2): a brand-new browser has no refresh cookie,
    and the JWT pane says so instead of "refresh_token: 57 bytes"; after
    the login it shows the cookie; a reload forgets the token but not the
    cookie; logout deletes the cookie and the pane says so again."""
    none = "No refresh_token cookie: logging in sets one."
    held = "refresh_token: 57 bytes, Path=/api/auth; HttpOnly; SameSite=Strict"

    def refresh_line(d):
        el = d.find_element(By.ID, "jwt-browser")
        return el.get_attribute("data-refresh"), el.get_attribute(
            "textContent")

    open_compare(driver, site)
    wait(driver).until(lambda d: refresh_line(d)[0] != "")
    assert refresh_line(driver) == ("0", none)
    submit(driver, "jwt-login")
    wait(driver).until(lambda d: state_of(d, "jwt-status") == "1")
    wait(driver).until(lambda d: refresh_line(d)[0] == "1")
    assert refresh_line(driver) == ("1", held)
    open_compare(driver, site)
    wait(driver).until(lambda d: refresh_line(d)[0] != "")
    assert state_of(driver, "jwt-status") == ""
    assert refresh_line(driver) == ("1", held)
    driver.find_element(By.ID, "jwt-refresh").click()
    wait(driver).until(lambda d: state_of(d, "jwt-status") == "1")
    driver.find_element(By.ID, "jwt-logout").click()
    wait(driver).until(lambda d: state_of(d, "jwt-status") == "")
    wait(driver).until(lambda d: refresh_line(d)[0] == "0")
    assert refresh_line(driver) == ("0", none)
    assert csp_errors(driver) == []


def test_s_x1_session_cart_heading_follows_the_login(driver, site):
    """S-X1/S-S5 (issue 15 §2): after logging in from the session pane
    (no reload), the cart heading names the account's user_carts table,
    where the cart now lives, not the session data; after logout, the
    new guest session's data again."""
    open_compare(driver, site)
    assert text(driver, "session-kept-in") == "(the session data)"
    submit(driver, "session-login")
    wait(driver).until(lambda d: state_of(d, "session-status") == "1")
    wait(driver).until(lambda d: text(d, "session-kept-in") ==
                       "(the account's user_carts table)")
    submit(driver, "session-logout")
    wait(driver).until(lambda d: state_of(d, "session-status") == "")
    wait(driver).until(lambda d: text(d, "session-kept-in") ==
                       "(the session data)")
    assert csp_errors(driver) == []


def test_s_x1_korean_live_view(driver, site):
    """S-X1 (issue 15 §10): on the Korean page what the script writes is
    Korean too: the sizes in 바이트, the logins, the cart heading, the
    refresh cookie line and the header size ("(734 bytes as a header)"
    was English)."""
    driver.get(site.url("/compare"))
    driver.add_cookie({"name": "lang", "value": "ko", "path": "/"})
    open_compare(driver, site)
    assert driver.find_element(By.TAG_NAME, "html").get_attribute(
        "lang") == "ko"
    wait(driver).until(lambda d: d.find_element(
        By.ID, "jwt-browser").get_attribute("data-refresh") == "0")
    assert text(driver, "jwt-browser") == \
        "refresh_token 쿠키 없음. 로그인하면 생깁니다."
    assert text(driver, "cookie-browser") == "쿠키 없음"
    assert text(driver, "session-kept-in") == "(세션 데이터)"
    assert text(driver, "session-browser") == "sid: 47바이트"
    submit(driver, "cookie-login")
    wait(driver).until(lambda d: state_of(d, "cookie-status") == "1")
    assert text(driver, "cookie-status").startswith(
        "로그인한 사용자 alice (user), exp ")
    submit(driver, "session-login")
    wait(driver).until(lambda d: state_of(d, "session-status") == "1")
    wait(driver).until(lambda d: text(d, "session-kept-in") ==
                       "(계정의 user_carts 표)")
    assert text(driver, "session-status") == "로그인한 사용자 alice (user)"
    submit(driver, "jwt-login")
    wait(driver).until(lambda d: state_of(d, "jwt-status") == "1")
    wait(driver).until(lambda d: d.find_element(
        By.ID, "jwt-browser").get_attribute("data-refresh") == "1")
    assert text(driver, "jwt-browser") == \
        "refresh_token: 57바이트, Path=/api/auth; HttpOnly; SameSite=Strict"
    assert text(driver, "jwt-status").startswith(
        "Alice (user)의 토큰, RS256, exp ")
    live = text(driver, "jwt-browser-live")
    assert live.startswith("메모리의 액세스 토큰: ")
    assert "바이트 (헤더로는 " in live and "as a header" not in live
    for id_ in ("cookie-browser", "cookie-browser-live", "session-browser",
                "session-browser-live", "session-server", "jwt-browser",
                "jwt-browser-live", "t-jwt-server", "jwt-me-out"):
        assert " bytes" not in text(driver, id_), id_
    assert csp_errors(driver) == []


@pytest.fixture
def clock_site():
    """A site of its own: this test moves its demo clock."""
    s = sitectl.Site(name="compare-clock").start()
    yield s
    s.stop()


def test_s_x1_jwt_pane_renews_an_expired_token(driver, clock_site):
    """S-X1/S-J3/S-J4: once the demo clock passes the access token's 15
    minutes, "who am I" is refused (401), and the pane does what a real
    single-page app does: it renews the token once with the HttpOnly
    refresh cookie and repeats the call, which answers 200."""
    site = clock_site
    open_compare(driver, site)
    submit(driver, "jwt-login")
    wait(driver).until(lambda d: state_of(d, "jwt-status") == "1")
    admin = Client(site)
    assert admin.login("admin", "admin-password").status_code == 303
    token = csrf_from(admin.get("/session/admin").text)
    assert admin.post("/session/admin/clock", data={
        "csrf": token, "minutes": "16"}).status_code == 200
    time.sleep(1.1)   # each process re-reads the offset once a second
    driver.find_element(By.ID, "jwt-me").click()
    wait(driver).until(lambda d: "again" in text(d, "jwt-me-out"))
    steps = [line for line in text(driver, "jwt-me-out").split("\n")
             if line.startswith("→")]
    assert steps[0] == "→ GET /api/me 401"
    assert steps[1].startswith("→ POST /api/auth/refresh 200 (access_token: ")
    assert steps[2] == "→ GET /api/me 200 (again, with the new token)"
    assert '"name": "Alice"' in text(driver, "jwt-me-out")
    assert state_of(driver, "jwt-status") == "1"
    assert csp_errors(driver) == []


def test_s_x1_page_without_script_still_shows_values(driver, site):
    """S-X1: the server-rendered page (what a no-script visitor reads)
    already has the session row and the table."""
    driver.get(site.url("/compare"))
    # The HTML as served, before any script touched it.
    html = driver.execute_script(
        "return fetch('/compare').then(function (r) { return r.text(); })")
    assert 'id="cmp-table"' in html
    assert "sessions row: created" in html
