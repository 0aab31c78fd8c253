"""S-S6 in a real browser: the signup wizard end to end: details, the code
read from the demo inbox, agreement, and the welcome page with a new
session ID; no step can be skipped by typing its URL."""
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from browserkit import wait, csp_errors

PASSWORD = "browser signup passphrase"


def sid(driver):
    found = [c for c in driver.get_cookies() if c["name"] == "sid"]
    return found[0]["value"] if found else None


def submit(driver, form_action):
    driver.find_element(
        By.CSS_SELECTOR,
        f'form[action="{form_action}"] button[type="submit"]').click()


def test_s_s6_wizard_end_to_end(site, driver, output_dir):
    """S-S6: a visitor signs up through the three steps in Chromium."""
    name = f"web_{int(time.time()) % 100000}"
    driver.get(site.url("/signup/agree"))
    # Skipping ahead lands on step 1.
    wait(driver).until(EC.url_to_be(site.url("/signup/details")))
    driver.find_element(By.ID, "username").send_keys(name)
    driver.find_element(By.ID, "email").send_keys("web@example.com")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "password2").send_keys(PASSWORD)
    submit(driver, "/signup/details")
    wait(driver).until(EC.url_to_be(site.url("/signup/verify")))
    assert "web@example.com" in driver.page_source
    # Back: the details are there, the password is not.
    driver.find_element(By.LINK_TEXT, "1. Your details").click()
    wait(driver).until(EC.url_to_be(site.url("/signup/details")))
    assert driver.find_element(By.ID, "username").get_attribute(
        "value") == name
    assert driver.find_element(By.ID, "password").get_attribute(
        "value") == ""
    assert PASSWORD not in driver.page_source
    # The code from the demo inbox.
    driver.get(site.url("/signup/inbox"))
    code = driver.find_element(By.CSS_SELECTOR,
                               "li.latest strong.code").text.strip()
    assert len(code) == 6 and code.isdigit()
    driver.get(site.url("/signup/verify"))
    driver.find_element(By.ID, "code").send_keys(code)
    submit(driver, "/signup/verify")
    wait(driver).until(EC.url_to_be(site.url("/signup/agree")))
    guest = sid(driver)
    driver.find_element(By.ID, "terms").click()
    driver.find_element(By.ID, "privacy").click()
    submit(driver, "/signup/agree")
    wait(driver).until(EC.url_to_be(site.url("/signup/done")))
    assert driver.find_element(By.ID, "new-user").text == name
    assert sid(driver) != guest
    driver.save_screenshot(str(output_dir / "signup-done.png"))
    assert name in driver.find_element(By.CSS_SELECTOR, "p.who").text
    assert site.query("SELECT username FROM users WHERE username = ?",
                      (name,)) == [(name,)]
    assert csp_errors(driver) == []
