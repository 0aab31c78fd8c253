"""/jwt follows the server's clock and zone, not the browser's (issue 15,
points 1 and 11).

S-J3, S-J4: the admin moves the demo clock an hour forward; a token issued
after that still counts down from its real lifetime (900 s), not from
the browser's idea of now (900 + 3600 s), both when the page was opened
before the move and after a reload. Its expiry and every time of the
devices table are written in the site's zone (KST here, while the
browser runs in UTC) in the server's one format, "2026-12-02 09:05:31
KST".
"""
import re
import sys
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sitectl  # noqa: E402
from sitectl import Client, csrf_from, kst  # noqa: E402
from browserkit import csp_errors, wait  # noqa: E402

SITE_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d KST$")


@pytest.fixture(scope="module")
def clock_site():
    """A site of its own in Asia/Seoul: this test moves its demo clock."""
    s = sitectl.Site(name="jwt-clock", extra_env={"TZ": "Asia/Seoul"}).start()
    yield s
    bad = sitectl.abnormal_log_lines(s.log_text())
    s.stop()
    assert not bad, "\n".join(bad)


def move_clock(site, minutes):
    admin = Client(site)
    try:
        assert admin.login("admin", "admin-password").status_code == 303
        token = csrf_from(admin.get("/session/admin").text)
        assert admin.post("/session/admin/clock", data={
            "csrf": token, "minutes": str(minutes)}).status_code == 200
    finally:
        admin.close()
    sitectl.wait_next_second()   # each process re-reads the offset once a second


def countdown(driver):
    return int(driver.find_element(By.ID, "jwt-countdown").get_attribute(
        "data-left"))


def token_claims(driver):
    return driver.execute_script(
        "var p = document.getElementById('jwt-payload').textContent;"
        "return JSON.parse(p);")


def test_s_j3_countdown_follows_the_demo_clock(clock_site, driver):
    """S-J3, S-J4: with the demo clock an hour ahead, a fresh 900 s
    access token shows 900 s or a little less, before and after a
    reload, and its expiry is written in KST as the server writes it."""
    site = clock_site
    # The browser lives in another zone than the site (make test exports
    # TZ=Asia/Seoul to everything it starts), so a time written in the
    # browser's zone would show.
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride",
                           {"timezoneId": "America/New_York"})
    driver.get(site.url("/jwt"))
    wait(driver).until(lambda d: d.find_element(
        By.ID, "jwt-login-button").is_enabled())
    assert driver.execute_script(
        "return Intl.DateTimeFormat().resolvedOptions().timeZone") == (
            "America/New_York")
    move_clock(site, 60)        # the page was opened before the move
    driver.find_element(By.ID, "jwt-password").send_keys("alice-password")
    clicked = int(time.time())
    driver.find_element(By.ID, "jwt-login-button").click()
    wait(driver).until(EC.visibility_of_element_located(
        (By.ID, "jwt-session")))
    wait(driver).until(lambda d: d.find_element(
        By.ID, "jwt-countdown").get_attribute("data-left"))
    c = token_claims(driver)
    assert c["exp"] - c["iat"] == 900
    assert c["iat"] >= clicked + 3600               # the moved clock
    # Counted on the browser's clock it would read 900 + 3600 s.
    first = countdown(driver)
    assert 850 <= first <= 900
    assert driver.find_element(By.ID, "jwt-exp-at").text == kst(c["exp"])
    assert driver.find_element(By.ID, "jwt-life").text == (
        f"900 s (iat {kst(c['iat'])})")
    time.sleep(2.1)
    assert 850 <= countdown(driver) <= first - 2     # it ticks
    driver.refresh()             # auto-login: a page made after the move
    wait(driver).until(lambda d: d.find_element(
        By.ID, "jwt-status").get_attribute("data-state") == "in")
    wait(driver).until(lambda d: d.find_element(
        By.ID, "jwt-countdown").get_attribute("data-left"))
    assert 850 <= countdown(driver) <= 900
    assert not csp_errors(driver)


def test_s_j5_devices_table_times_in_site_zone(clock_site, driver):
    """S-J5, issue 15 point 11: the devices table writes every time in
    the site's zone (KST), in the server's format, never in the
    browser's locale ("12/1/2026, 11:48:40 PM") or zone (UTC here)."""
    site = clock_site
    driver.get(site.url("/jwt"))
    wait(driver).until(lambda d: d.find_element(
        By.ID, "jwt-login-button").is_enabled())
    driver.find_element(By.ID, "jwt-password").send_keys("alice-password")
    driver.find_element(By.ID, "jwt-login-button").click()
    wait(driver).until(lambda d: d.find_elements(
        By.CSS_SELECTOR, "#jwt-devices tbody tr"))
    row = driver.find_element(By.CSS_SELECTOR, "#jwt-devices tbody tr")
    cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
    assert cells[0].endswith(" (this device)")
    assert SITE_TIME.match(cells[2]) and SITE_TIME.match(cells[3]), cells
    created = site.query("SELECT created FROM refresh_families WHERE id = ?",
                         (int(cells[0][1:].split()[0]),))[0][0]
    assert cells[2] == kst(created)
    assert cells[4] == "live"
