"""S-S5 in a real browser: a guest fills the cart with the page's forms,
logs in from the cart page, and sees what merged into the stored cart."""
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from browserkit import wait


def add(driver, sku, qty):
    row = driver.find_element(By.CSS_SELECTOR, f'tr[data-sku="{sku}"]')
    box = row.find_element(By.CSS_SELECTOR, "input.qty")
    box.clear()
    box.send_keys(str(qty))
    row.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()
    # The form posts and the page reloads: wait for the old page to go
    # before reading the new one, or the old counter may be read.
    wait(driver).until(EC.staleness_of(row))
    wait(driver).until(EC.presence_of_element_located((By.ID, "cart-lines")))


def test_s_s5_guest_cart_merges_at_login(site, driver, output_dir):
    """S-S5: the guest cart (only a session ID in the browser) merges into
    the user's cart at login, and the page says what merged."""
    driver.get(site.url("/cart"))
    wait(driver).until(EC.presence_of_element_located((By.ID, "catalogue")))
    add(driver, "kimchi", 2)
    add(driver, "rice", 1)
    assert driver.find_element(By.ID, "cart-items").text == "3"
    # The browser holds only the session ID.
    assert [c["name"] for c in driver.get_cookies()] == ["sid"]
    driver.find_element(By.CSS_SELECTOR,
                        'a[href="/session/login?next=/cart"]').click()
    wait(driver).until(EC.presence_of_element_located((By.ID, "username")))
    driver.find_element(By.ID, "username").send_keys("admin")
    driver.find_element(By.ID, "password").send_keys("admin-password")
    driver.find_element(By.CSS_SELECTOR,
                        'form.card button[type="submit"]').click()
    wait(driver).until(EC.url_to_be(site.url("/cart")))
    box = wait(driver).until(EC.presence_of_element_located(
        (By.ID, "cart-merged")))
    text = box.text
    assert "Napa cabbage kimchi 1 kg: 0 + 2 → 2" in text
    assert "New-crop rice 10 kg: 0 + 1 → 1" in text
    driver.save_screenshot(str(output_dir / "cart-merged.png"))
    stored = dict(site.query(
        "SELECT product_id, qty FROM user_carts JOIN users ON users.id = "
        "user_id WHERE username = 'admin'"))
    assert stored == {1: 2, 8: 1}
    assert re.search(r"\b3\b", driver.find_element(By.ID,
                                                   "cart-items").text)


def test_s_s5_race_lab_button(site, driver, output_dir):
    """S-S5 race lab: the script sends N increments to both stores at once;
    the transactional counter shows exactly N, the naive one at most N."""
    driver.get(site.url("/cart/race"))
    go = wait(driver).until(EC.visibility_of_element_located(
        (By.ID, "race-go")))
    box = driver.find_element(By.ID, "race-n")
    box.clear()
    box.send_keys("10")
    go.click()
    wait(driver).until(lambda d: d.find_element(
        By.ID, "race-result").text.strip() != "")
    assert driver.find_element(By.ID, "race-safe").text == "10"
    naive = int(driver.find_element(By.ID, "race-naive").text)
    assert 1 <= naive <= 10
    assert "10 × 2" in driver.find_element(By.ID, "race-result").text
    driver.save_screenshot(str(output_dir / "cart-race.png"))
