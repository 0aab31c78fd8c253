"""S-J10 in a real browser: the /jwt store panel on a Redis site.

Logging in fills the panel with the refresh-token keys Redis holds (the
token's hash, the family, its events and the user's index), each with its
TTL, which counts down on the page; every one of the six reasons of
article C §7 shows its evidence; the command box names the real socket.
Logging out leaves the blacklist key of the token, living until its exp.
On the SQLite site the panel shows the same records as rows.
"""
import pytest
from selenium.webdriver.common.by import By

import sitectl
from browserkit import csp_errors, wait


@pytest.fixture(scope="module")
def redis_site():
    with sitectl.private_site("browser-redis", store="redis") as s:
        yield s


def roles(driver):
    return [tr.get_attribute("data-role") for tr in driver.find_elements(
        By.CSS_SELECTOR, "#jwt-store-keys tbody tr[data-role]")]


def ttl_of(driver, role):
    return int(driver.find_element(
        By.CSS_SELECTOR, f"#jwt-store-keys tr[data-role={role}] td.ttl").text)


def evidence(driver):
    return {tr.get_attribute("data-reason"):
            tr.find_element(By.CSS_SELECTOR, ".evidence").text
            for tr in driver.find_elements(
                By.CSS_SELECTOR, "#jwt-store-why tr[data-reason]")}


def log_in(driver, site):
    driver.get(site.url("/jwt"))
    wait(driver).until(lambda d: d.find_element(
        By.ID, "jwt-login-button").is_enabled())
    driver.find_element(By.ID, "jwt-password").send_keys("alice-password")
    driver.find_element(By.ID, "jwt-login-button").click()
    wait(driver).until(lambda d: "index" in roles(d))


def test_s_j10_panel_shows_redis_keys_with_live_ttls(driver, redis_site):
    log_in(driver, redis_site)
    assert roles(driver) == ["token", "family", "events", "index"]
    keys = {tr.get_attribute("data-role"): tr.get_attribute("data-key")
            for tr in driver.find_elements(
                By.CSS_SELECTOR, "#jwt-store-keys tr[data-role]")}
    r = redis_site.redis()
    for role, key in keys.items():
        assert r.ttl(key) > 0, key       # the page names real keys
    assert keys["index"] == "user:1:families"
    first = ttl_of(driver, "family")
    wait(driver).until(lambda d: ttl_of(d, "family") <= first - 2)
    ev = evidence(driver)
    assert keys["family"] in ev["ttl"]
    assert "µs" in ev["speed"] and "EVALSHA" in ev["speed"]
    assert "user:1:families" in ev["devices"]
    assert "log out" in ev["blacklist"]
    assert "make cluster" in ev["shared"]
    assert "HGETALL" in ev["ops"]
    cli = driver.find_element(By.ID, "jwt-store-cli").text
    assert f"redis-cli -s {redis_site.redis_server.sock} HGETALL " \
        f"{keys['family']}" in cli

    driver.find_element(By.ID, "jwt-logout").click()
    wait(driver).until(lambda d: roles(d) == ["blacklist"])
    key = driver.find_element(
        By.CSS_SELECTOR, "#jwt-store-keys tr[data-role=blacklist]"
    ).get_attribute("data-key")
    assert key.startswith("blacklist:")
    left = r.ttl(key)
    assert 0 <= ttl_of(driver, "blacklist") - left <= 3
    assert key in evidence(driver)["blacklist"]
    assert csp_errors(driver) == []


def test_s_j10_panel_shows_sqlite_rows_without_ttls(driver, site):
    log_in(driver, site)
    assert roles(driver) == ["token", "family", "events", "index"]
    family = driver.find_element(
        By.CSS_SELECTOR, "#jwt-store-keys tr[data-role=family] td.ttl")
    assert family.text == "—"
    assert family.get_attribute("data-ttl") is None
    ev = evidence(driver)
    assert "SQLite has no TTL" in ev["ttl"]
    assert "refresh_families_user" in ev["devices"]
    cli = driver.find_element(By.ID, "jwt-store-cli").text
    assert cli.startswith(f"sqlite3 {site.db_path} \"SELECT * FROM "
                          "refresh_tokens WHERE hash = X'")
    assert csp_errors(driver) == []
