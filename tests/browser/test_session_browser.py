"""What only a browser shows (S-S1, S-S2, S-S3, S-S8, S-S9): the sid cookie
is HttpOnly (absent from document.cookie, present in the cookie store and
in every request), SameSite=Lax, a session cookie unless remembered; the
wire view's script marks it as invisible to script."""
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from browserkit import wait, csp_errors


def cookie(driver, name):
    found = [c for c in driver.get_cookies() if c["name"] == name]
    assert len(found) <= 1, found
    return found[0] if found else None


def js_cell(driver, name):
    return driver.find_element(
        By.CSS_SELECTOR, f'tr[data-cookie="{name}"] td.js-visible')


def wait_js_marked(driver, name):
    """wire.js replaces '?' with yes/no once the DOM is ready."""
    wait(driver).until(lambda d: js_cell(d, name).text.strip() != "?")
    return js_cell(driver, name)


def submit_login(driver, site, username, password, remember=False):
    driver.get(site.url("/session/login"))
    wait(driver).until(EC.presence_of_element_located((By.ID, "username")))
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    if remember:
        driver.find_element(By.ID, "remember").click()
    guest = cookie(driver, "sid")
    driver.find_element(By.CSS_SELECTOR,
                        'form.card button[type="submit"]').click()
    wait(driver).until(EC.url_to_be(site.url("/session/me")))
    wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, "section.wire")))
    return guest


def test_s_s1_s_s2_login_sid_is_httponly(site, driver, output_dir):
    """S-S1/S-S2: log in through the form; land on /session/me; the sid
    cookie is HttpOnly (not in document.cookie), SameSite=Lax, Path=/, a
    session cookie; the wire view shows the value the server saw and
    wire.js marked it 'no'. S-S8: the ID changed at login."""
    guest = submit_login(driver, site, "alice", "alice-password")
    assert guest is not None, "the login form should set a guest sid"

    assert driver.find_element(By.TAG_NAME, "h1").text == "My session"
    assert "Alice" in driver.find_element(By.ID, "main").text

    doc_cookie = driver.execute_script("return document.cookie")
    assert "sid" not in doc_cookie, doc_cookie

    sid = cookie(driver, "sid")
    assert sid is not None
    assert sid["httpOnly"] is True
    assert sid.get("sameSite") == "Lax"
    assert sid["path"] == "/"
    assert sid["secure"] is False
    assert "expiry" not in sid, "a session cookie has no expiry"
    assert len(sid["value"]) == 43
    assert sid["value"] != guest["value"], "S-S8: the ID must change"

    # The wire view shows what the server received: the same value.
    seen = driver.find_element(
        By.CSS_SELECTOR, 'tr[data-cookie="sid"] code.val').text
    assert seen == sid["value"]
    raw = driver.find_element(By.CSS_SELECTOR, "#wire-received pre.raw").text
    assert raw == f"Cookie: sid={sid['value']}"
    cell = wait_js_marked(driver, "sid")
    assert "no" in cell.get_attribute("class").split()
    assert "yes" not in cell.get_attribute("class").split()
    assert cell.text == "no — HttpOnly"

    # wire.js ran under the strict CSP, and nothing was blocked.
    assert csp_errors(driver) == []

    driver.save_screenshot(str(output_dir / "session_me.png"))
    assert (output_dir / "session_me.png").stat().st_size > 0


def test_s_s1_dark_theme_login_page(site, driver, output_dir):
    """The theme=dark preference cookie (readable by script, on purpose)
    is applied server-side: <html data-theme="dark">; wire.js marks theme
    as visible and sid as not."""
    driver.get(site.url("/session/login"))
    driver.add_cookie({"name": "theme", "value": "dark", "path": "/"})
    driver.refresh()
    wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, 'tr[data-cookie="theme"]')))
    html = driver.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("data-theme") == "dark"
    assert html.get_attribute("lang") == "en"
    assert "theme=dark" in driver.execute_script("return document.cookie")
    theme_cell = wait_js_marked(driver, "theme")
    assert "yes" in theme_cell.get_attribute("class").split()
    sid_cell = wait_js_marked(driver, "sid")
    assert "no" in sid_cell.get_attribute("class").split()
    assert csp_errors(driver) == []
    driver.save_screenshot(str(output_dir / "session_login_dark.png"))
    assert (output_dir / "session_login_dark.png").stat().st_size > 0


def test_s_s3_logout_clears_cookie_in_browser(site, driver):
    """S-S3: the logout button ends the session: the browser deletes the
    sid cookie (Max-Age=0) and /session/me then answers 'Login required'."""
    submit_login(driver, site, "bob", "bob-password")
    driver.find_element(
        By.CSS_SELECTOR, 'form[action="/session/logout"] button').click()
    wait(driver).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "You have logged out"))
    assert cookie(driver, "sid") is None
    sent = driver.find_element(By.CSS_SELECTOR, "#wire-sent pre.raw").text
    assert sent == "Set-Cookie: sid=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
    driver.get(site.url("/session/me"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Login required"


def test_s_s9_remember_me_in_browser(site, driver):
    """S-S9: with remember me the browser stores a persistent cookie that
    expires in 14 days."""
    submit_login(driver, site, "alice", "alice-password", remember=True)
    sid = cookie(driver, "sid")
    assert sid["httpOnly"] is True
    assert "expiry" in sid
    assert abs(sid["expiry"] - (time.time() + 1209600)) < 120
    assert "sid" not in driver.execute_script("return document.cookie")
