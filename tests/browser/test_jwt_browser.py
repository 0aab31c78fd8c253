"""What only a browser shows about tokens.

S-J4: log in on /jwt, reload, and you are still logged in through the
HttpOnly refresh cookie, with no token in localStorage or sessionStorage
and none readable from document.cookie; a 401 refreshes silently. S-J6:
logout shows the token revoked on /api/me but alive on the stateless
endpoint. S-J8: the forgery page sends its token to the real API. S-J9:
the injected script reads localStorage but neither the closure variable
nor the HttpOnly cookie.
"""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from browserkit import wait, csp_errors


def status_state(driver):
    return driver.find_element(By.ID, "jwt-status").get_attribute(
        "data-state")


def log_text(driver):
    return driver.find_element(By.ID, "jwt-log").get_attribute(
        "textContent")


def top_entry(driver):
    """The newest request in the page's log: (first line, status line)."""
    lines = log_text(driver).split("\n\n")[0].split("\n")
    return (lines[0], lines[1] if len(lines) > 1 else "")


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
    assert "/api/auth/refresh" in log_text(driver)
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
    refreshes and retries, and the retry succeeds."""
    login_on_page(driver, site, "HS256")
    driver.find_element(By.ID, "jwt-forget").click()
    driver.find_element(By.ID, "jwt-me").click()
    wait(driver).until(lambda d: top_entry(d)[0].startswith(
        "GET /api/me  (Authorization"))
    entries = log_text(driver).split("\n\n")
    me_calls = [e for e in entries if e.startswith("GET /api/me")]
    assert me_calls[0].split("\n")[1] == "→ 200"
    assert me_calls[1].startswith("GET /api/me\n→ 401")
    refreshes = [e for e in entries
                 if e.startswith("POST /api/auth/refresh")]
    assert refreshes[0].split("\n")[1] == "→ 200"


def test_s_j6_logout_blacklist_vs_stateless(site, driver):
    """S-J6: after logout the old token gets 401 revoked on /api/me and
    200 on /api/me/stateless; a reload does not log back in."""
    login_on_page(driver, site)
    driver.find_element(By.ID, "jwt-logout").click()
    wait(driver).until(lambda d: "GET /api/me/stateless" in log_text(d))
    log = log_text(driver)
    assert 'error_description="revoked"' in log
    assert log.split("\n\n")[0].split("\n")[1] == "→ 200"
    driver.refresh()
    wait(driver).until(lambda d: status_state(d) == "out" and
                       "/api/auth/refresh" in log_text(d))
    assert driver.find_element(By.ID, "jwt-login").is_displayed()


def test_s_j5_pair_binding_refresh_in_page_but_not_after_reload(site,
                                                                 driver):
    """S-J5: with pair binding the in-page refresh (which sends the access
    token) works; after a reload the memory copy is gone, so the refresh
    is a pair mismatch and the family is revoked."""
    login_on_page(driver, site, bind=True)
    before = log_text(driver).count("POST /api/auth/refresh")
    driver.find_element(By.ID, "jwt-refresh").click()
    wait(driver).until(lambda d: log_text(d).count(
        "POST /api/auth/refresh") > before)
    newest = [e for e in log_text(driver).split("\n\n")
              if e.startswith("POST /api/auth/refresh")][0]
    assert newest.split("\n")[1] == "→ 200"
    driver.refresh()
    wait(driver).until(lambda d: "pair mismatch" in d.find_element(
        By.ID, "jwt-status").text)
    assert status_state(driver) == "out"
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
    wait(driver).until(EC.presence_of_element_located(
        (By.ID, "storage-inject")))
    driver.find_element(By.ID, "storage-memory").click()
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
