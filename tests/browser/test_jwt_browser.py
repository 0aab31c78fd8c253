"""What only a browser shows about tokens.

S-J4: log in on /jwt, reload, and you are still logged in through the
HttpOnly refresh cookie, with no token in localStorage or sessionStorage
and none readable from document.cookie; a 401 refreshes silently, and the
request log shows it as rows in order (401 → refresh → retry). S-J6:
logout shows the token revoked on /api/me but alive on the stateless
endpoint. S-J8: the forgery page sends its token to the real API and
says what the reason means. S-J9: the three "Put" buttons, pressed top to
bottom, keep the memory copy (no reload); the injected script reads
localStorage but neither the closure variable nor the HttpOnly cookie.
The demo clock and the times: test_jwt_clock.py.
"""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from browserkit import wait, csp_errors


def status_state(driver):
    return driver.find_element(By.ID, "jwt-status").get_attribute(
        "data-state")


def log_text(driver):
    """Everything the request log shows, raw answers included."""
    return driver.find_element(By.ID, "jwt-log").get_attribute(
        "textContent")


def log_groups(driver):
    """The request log: one (label, steps) per group, oldest first; a step
    is (method, path, status, retry) in the order the requests were
    made."""
    return driver.execute_script("""
      return Array.prototype.map.call(
        document.querySelectorAll('#jwt-log tbody.jwt-action'), function (tb) {
          return [tb.querySelector('tr.action-h th').textContent,
            Array.prototype.map.call(tb.querySelectorAll('tr.jwt-step'),
              function (tr) {
                return [tr.getAttribute('data-method'), tr.getAttribute('data-path'),
                        tr.getAttribute('data-status'), tr.hasAttribute('data-retry')];
              })];
        });""")


def last_group(driver):
    return log_groups(driver)[-1]


def step_raw(driver, group, step):
    """The raw answer (the <details>) of one step, 1-based."""
    return driver.execute_script(
        "var tb = document.querySelectorAll('#jwt-log tbody.jwt-action')"
        "[arguments[0]];"
        "return tb.querySelectorAll('tr.jwt-step')[arguments[1] - 1]"
        ".querySelector('details pre').textContent;", group, step)


def login_on_page(driver, site, alg="RS256", bind=False):
    driver.get(site.url("/jwt"))
    wait(driver).until(lambda d: d.find_element(
        By.ID, "jwt-login-button").is_enabled())
    wait(driver).until(lambda d: d.find_element(
        By.ID, "jwt-status").text.strip() != "")
    driver.find_element(By.ID, "jwt-password").send_keys("alice-password")
    if alg == "HS256":
        driver.find_element(By.ID, "jwt-alg-hs").click()
    if bind:
        driver.find_element(By.ID, "jwt-bind").click()
    driver.find_element(By.ID, "jwt-login-button").click()
    wait(driver).until(lambda d: status_state(d) == "in")
    wait(driver).until(EC.visibility_of_element_located(
        (By.ID, "jwt-session")))


def storage_is_empty(driver):
    return driver.execute_script(
        "return [localStorage.length, sessionStorage.length, "
        "document.cookie.indexOf('refresh_token') < 0, "
        "document.cookie.indexOf('eyJ') < 0]") == [0, 0, True, True]


def test_s_j4_login_reload_auto_login_from_refresh_cookie(site, driver,
                                                           output_dir):
    """S-J4: after login and a reload, the page logs back in from the
    refresh cookie (HttpOnly, Path=/api/auth, SameSite=Strict) and the
    access token is in no storage."""
    login_on_page(driver, site)
    first = driver.find_element(By.ID, "jwt-raw").text
    assert first.startswith("eyJ")
    assert storage_is_empty(driver)
    cookies = {c["name"]: c for c in driver.get_cookies()}
    # The refresh cookie's Path hides it from this page's cookie list.
    assert "refresh_token" not in cookies
    driver.refresh()
    wait(driver).until(lambda d: status_state(d) == "in")
    second = driver.find_element(By.ID, "jwt-raw").text
    assert second.startswith("eyJ") and second != first
    label, steps = log_groups(driver)[0]
    assert label == "Page opened: trying auto-login with the refresh cookie"
    assert steps == [["POST", "/api/auth/refresh", "200", False]]
    assert storage_is_empty(driver)
    driver.get(site.url("/api/auth/jwks.json"))
    cookies = {c["name"]: c for c in driver.get_cookies()}
    rt = cookies["refresh_token"]
    assert rt["httpOnly"] is True and rt["path"] == "/api/auth"
    assert rt["sameSite"] == "Strict"
    driver.get(site.url("/jwt"))
    wait(driver).until(lambda d: status_state(d) == "in")
    driver.save_screenshot(str(output_dir / "jwt-token-page.png"))
    assert not csp_errors(driver)


def test_s_j4_dropped_token_refreshes_silently(site, driver):
    """S-J4: with the access token gone, /api/me answers 401, the page
    refreshes and retries, and the log shows the three steps in that
    order, as rows of one group, with the raw answers on demand."""
    login_on_page(driver, site, "HS256")
    driver.find_element(By.ID, "jwt-forget").click()
    driver.find_element(By.ID, "jwt-me").click()
    wait(driver).until(lambda d: last_group(d)[0] ==
                       "Button: GET /api/me" and
                       len(last_group(d)[1]) == 3)
    assert last_group(driver)[1] == [
        ["GET", "/api/me", "401", False],
        ["POST", "/api/auth/refresh", "200", False],
        ["GET", "/api/me", "200", True]]
    groups = log_groups(driver)
    assert groups[-2] == ["Button: drop the token from memory", []]
    n = len(groups) - 1
    assert step_raw(driver, n, 1).startswith(
        "GET /api/me\n\nHTTP 401\nWWW-Authenticate: Bearer "
        'realm="web-state"\n\n{')
    meaning = driver.execute_script(
        "var rows = document.querySelectorAll('#jwt-log tbody.jwt-action')"
        "[arguments[0]].querySelectorAll('tr.jwt-step');"
        "return Array.prototype.map.call(rows, function (r) {"
        " return r.querySelector('td.meaning').firstChild.textContent; });", n)
    assert meaning[0] == "no bearer token"
    # The raw answer is folded away until asked for.
    details = driver.find_elements(By.CSS_SELECTOR,
                                   "#jwt-log tr.jwt-step details")
    assert details and not any(d.get_attribute("open") for d in details)
    assert not csp_errors(driver)


def test_s_j6_logout_blacklist_vs_stateless(site, driver):
    """S-J6: after logout the old token gets 401 revoked on /api/me and
    200 on /api/me/stateless; a reload does not log back in."""
    login_on_page(driver, site)
    driver.find_element(By.ID, "jwt-logout").click()
    wait(driver).until(lambda d: len(last_group(d)[1]) == 3)
    label, steps = last_group(driver)
    assert label == "Button: log out"
    assert steps == [["POST", "/api/auth/logout", "200", False],
                     ["GET", "/api/me", "401", False],
                     ["GET", "/api/me/stateless", "200", False]]
    n = len(log_groups(driver)) - 1
    assert 'error_description="revoked"' in step_raw(driver, n, 2)
    driver.refresh()
    wait(driver).until(lambda d: status_state(d) == "out" and
                       d.find_elements(By.CSS_SELECTOR, "#jwt-log tr.jwt-step"))
    assert log_groups(driver)[0][1] == [
        ["POST", "/api/auth/refresh", "401", False]]
    assert driver.find_element(By.ID, "jwt-login").is_displayed()


def test_s_j5_pair_binding_refresh_in_page_but_not_after_reload(site,
                                                                 driver):
    """S-J5: with pair binding the in-page refresh (which sends the access
    token) works; after a reload the memory copy is gone, so the refresh
    is a pair mismatch and the family is revoked."""
    login_on_page(driver, site, bind=True)
    driver.find_element(By.ID, "jwt-refresh").click()
    wait(driver).until(lambda d: last_group(d)[0] ==
                       "Button: POST /api/auth/refresh" and
                       len(last_group(d)[1]) == 2)
    assert last_group(driver)[1] == [
        ["POST", "/api/auth/refresh", "200", False],
        ["GET", "/api/auth/families", "200", False]]
    driver.refresh()
    wait(driver).until(lambda d: "pair mismatch" in d.find_element(
        By.ID, "jwt-status").text)
    assert status_state(driver) == "out"
    assert driver.find_element(By.ID, "jwt-status").text == (
        "The refresh was refused (pair mismatch): a pair-bound family, and "
        "its last access token did not come along: the family is revoked. "
        "Log in again.")
    assert storage_is_empty(driver)


def test_s_j8_forgery_page_sends_token_to_api(site, driver):
    """S-J8: the forgery page's script shows the real API's 401 and
    reason."""
    driver.get(site.url("/lab/jwt"))
    driver.find_element(By.CSS_SELECTOR,
                        'button[value="hs256_pubkey"]').click()
    wait(driver).until(lambda d: d.find_element(
        By.ID, "forge-answer").get_attribute("data-status") == "401")
    text = driver.find_element(By.ID, "forge-answer").text
    assert 'error_description="alg not allowed for this key"' in text
    assert driver.find_element(By.ID, "forge-meaning").text == (
        "The API answered 401 with the reason alg not allowed for this key "
        "— the header's alg is not the algorithm of the key its kid names; "
        "this site's verifier never lets the header choose.")
    assert not csp_errors(driver)


def test_s_j9_injected_script_reads_local_storage_only(site, driver,
                                                        output_dir):
    """S-J9: the injected script file finds the token in localStorage,
    not the closure variable, and not the HttpOnly cookie, which the
    browser still sends on its requests."""
    driver.get(site.url("/jwt/storage"))
    wait(driver).until(EC.presence_of_element_located(
        (By.ID, "storage-local")))
    driver.find_element(By.ID, "storage-local").click()
    driver.find_element(By.ID, "storage-memory").click()
    driver.find_element(By.CSS_SELECTOR, 'button[value="set"]').click()
    wait(driver).until(lambda d: d.find_element(
        By.ID, "storage-cookie-state").get_attribute("data-sent") == "1")
    driver.find_element(By.ID, "storage-inject").click()
    wait(driver).until(lambda d: d.find_element(
        By.ID, "storage-loot").get_attribute("data-done") == "1")
    loot = driver.find_element(By.ID, "storage-loot").text
    assert 'localStorage.getItem("lab_token") → eyJ' in loot
    assert "no lab_token: HttpOnly" in loot
    assert "none (a closure variable is out of reach)" in loot
    assert "lab_cookie_sent: true" in loot
    driver.save_screenshot(str(output_dir / "jwt-storage-lab.png"))
    driver.execute_script("localStorage.clear()")
    assert not csp_errors(driver)


def test_s_j9_three_put_buttons_keep_the_memory_copy(site, driver):
    """S-J9: pressing the three "Put" buttons from top to bottom leaves
    the token in all three places: the HttpOnly cookie button does not
    reload the page (a reload empties memory), and the cookie's state
    comes from the server. A real reload then empties memory only."""
    driver.get(site.url("/jwt/storage"))
    wait(driver).until(lambda d: d.find_element(
        By.ID, "storage-memory-state").text == "empty")
    driver.execute_script("window.pageMark = 'this page';")
    driver.find_element(By.ID, "storage-local").click()
    driver.find_element(By.ID, "storage-memory").click()
    driver.find_element(By.CSS_SELECTOR, 'button[value="set"]').click()
    wait(driver).until(lambda d: d.find_element(
        By.ID, "storage-cookie-state").get_attribute("data-sent") == "1")
    assert driver.execute_script("return window.pageMark") == "this page"
    assert driver.find_element(By.ID, "storage-local-state").text == "stored"
    assert driver.find_element(By.ID, "storage-memory-state").text == (
        "held in a closure variable (a reload loses it)")
    assert driver.find_element(By.ID, "storage-cookie-state").text == (
        "held by the browser (it reached the server)")
    driver.refresh()
    wait(driver).until(lambda d: d.find_element(
        By.ID, "storage-memory-state").text == "empty")
    assert driver.execute_script("return window.pageMark") is None
    assert driver.find_element(By.ID, "storage-local-state").text == "stored"
    assert driver.find_element(By.ID, "storage-cookie-state").text == (
        "held by the browser (it reached the server)")
    # The clear button goes the same way, and the server confirms.
    driver.find_element(By.CSS_SELECTOR, 'button[value="clear"]').click()
    wait(driver).until(lambda d: d.find_element(
        By.ID, "storage-cookie-state").get_attribute("data-sent") == "0")
    assert driver.find_element(By.ID, "storage-cookie-state").text == "none"
    driver.execute_script("localStorage.clear()")
    assert not csp_errors(driver)
