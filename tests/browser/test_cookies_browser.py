"""What only a browser shows about cookies: document.cookie against
HttpOnly (S-C2), persistence across a browser restart with the same
profile (S-C3, S-C6), which oversized cookies Chromium keeps and the 431
rescue (S-C4), the tampering lesson in devtools terms (S-C5), and
SameSite and CORS from a second origin (S-C9)."""
import shutil
import tempfile
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from browserkit import chromium, wait


def click(driver, css):
    """Click css and, when that loads a new page, wait until it has."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, css).click()
    try:
        WebDriverWait(driver, 3).until(EC.staleness_of(old))
    except Exception:       # script-only buttons stay on the page
        return
    wait(driver).until(lambda d: d.execute_script(
        "return document.readyState") == "complete")


def names(driver):
    return {c["name"] for c in driver.get_cookies()}


def doc_cookie(driver):
    return driver.execute_script("return document.cookie")


def submit_lab(driver, site, **fields):
    """Fill the lab's builder form and send it."""
    driver.get(site.url("/lab/"))
    f = driver.find_element(By.CSS_SELECTOR, "form.lab")
    for name, value in fields.items():
        el = f.find_element(By.NAME, name)
        if el.tag_name == "select":
            el.find_element(By.CSS_SELECTOR,
                            f'option[value="{value}"]').click()
        elif el.get_attribute("type") == "checkbox":
            if value and not el.is_selected():
                el.click()
        else:
            el.clear()
            el.send_keys(value)
    old = driver.find_element(By.TAG_NAME, "html")
    f.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()
    wait(driver).until(EC.staleness_of(old))
    wait(driver).until(EC.presence_of_element_located((By.ID, "wire")))


def test_s_c2_document_cookie_vs_httponly(site, driver):
    """S-C2: an HttpOnly lab cookie reaches the server (wire view) but not
    document.cookie; a plain one is in both."""
    submit_lab(driver, site, name="seen", value="yes")
    submit_lab(driver, site, name="hidden", value="no", httponly="1")
    assert "hidden=no; Path=/lab/; HttpOnly" in driver.find_element(
        By.ID, "lab-set-cookie").text
    driver.get(site.url("/lab/"))
    box = driver.find_element(By.ID, "doc-cookie")
    wait(driver).until(lambda d: box.get_attribute("data-count"))
    assert "seen=yes" in box.text
    assert "hidden" not in box.text
    assert "hidden" not in doc_cookie(driver)
    row = driver.find_element(By.CSS_SELECTOR,
                              'tr[data-cookie="hidden"] td.js-visible')
    wait(driver).until(lambda d: row.text.strip() != "?")
    assert "no" in row.get_attribute("class").split()
    # Path scoping: from / neither lab cookie arrives.
    driver.get(site.url("/cookies/echo"))
    assert "hidden" not in driver.page_source
    driver.get(site.url("/lab/path/"))
    assert driver.find_elements(By.CSS_SELECTOR, 'tr[data-cookie="seen"]')


def test_s_c2_sub_path_cookie_only_on_its_path(site, driver):
    """S-C2: a Path=/lab/path/ cookie is sent to /lab/path/ only."""
    submit_lab(driver, site, name="deep", value="1", path="/lab/path/")
    driver.get(site.url("/lab/path/"))
    assert driver.find_elements(By.CSS_SELECTOR, 'tr[data-cookie="deep"]')
    driver.get(site.url("/lab/"))
    assert not driver.find_elements(By.CSS_SELECTOR,
                                    'tr[data-cookie="deep"]')


def test_s_c3_s_c6_restart_keeps_persistent_drops_session(site):
    """S-C3/S-C6: with the same profile, a restarted Chromium still has
    the theme (Max-Age=31536000) and keep_persistent (Max-Age=604800) but
    not keep_session (no expiry)."""
    profile = Path(tempfile.mkdtemp(prefix="sitetest-profile-"))
    try:
        d = chromium(profile)
        try:
            d.get(site.url("/cookies/lifetime"))
            click(d, 'form.switches button[name="theme"][value="dark"]')
            wait(d).until(lambda x: x.find_element(
                By.TAG_NAME, "html").get_attribute("data-theme") == "dark")
            assert d.current_url == site.url("/cookies/lifetime")
            click(d, 'form[action="/cookies/lifetime/set"] button')
            wait(d).until(EC.text_to_be_present_in_element(
                (By.ID, "has-keep-session"), "arrived"))
            assert {"theme", "keep_session", "keep_persistent"} <= names(d)
        finally:
            d.quit()
        d = chromium(profile)
        try:
            d.get(site.url("/cookies/lifetime"))
            html = d.find_element(By.TAG_NAME, "html")
            assert html.get_attribute("data-theme") == "dark"
            assert d.find_element(By.ID, "has-keep-persistent").text == \
                "arrived"
            assert d.find_element(By.ID, "has-keep-session").text == \
                "missing"
            assert "keep_session" not in names(d)
        finally:
            d.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def test_s_c6_language_switch(site, driver):
    """S-C6: the header's language switch works without a login and the
    next page is rendered in that language by the server."""
    driver.get(site.url("/visits"))
    click(driver, 'form.switches button[name="lang"][value="ko"]')
    wait(driver).until(lambda d: d.find_element(
        By.TAG_NAME, "html").get_attribute("lang") == "ko")
    assert "방문 기록" in driver.title
    assert "lang=ko" in doc_cookie(driver)


def test_s_c4_which_big_cookies_chromium_keeps(site, driver):
    """S-C4: 4096 bytes (name + value) is kept, 5000 is dropped, whether
    the server or script tries."""
    driver.get(site.url("/lab/limits/"))
    click(driver, "#big-4096")
    wait(driver).until(EC.presence_of_element_located((By.ID,
                                                       "limits-sent")))
    driver.get(site.url("/lab/limits/"))
    assert driver.find_element(By.ID, "limits-big").text == "4096 B"
    click(driver, "#big-5000")
    wait(driver).until(EC.presence_of_element_located((By.ID,
                                                       "limits-refused")))
    click(driver, "#js-big")
    out = driver.find_element(By.ID, "js-big-result")
    wait(driver).until(lambda d: "js5000" in out.text)
    assert "js4096 (4096 B): kept" in out.text
    assert "js5000 (5000 B): dropped" in out.text
    kept = {c["name"]: c for c in driver.get_cookies()}
    assert "js5000" not in kept
    assert "js4096" not in kept               # the script cleaned up
    assert len(kept["big"]["value"]) == 4093


def test_s_c4_two_hundred_cookies_and_the_431_rescue(site, driver,
                                                     output_dir):
    """S-C4: of 200 small cookies Chromium keeps at most 180 per host;
    five 4000-byte cookies make lighttpd answer 431 on the lab's path
    only, and the static page's one-click clear makes it work again."""
    driver.get(site.url("/lab/limits/"))
    for first in (1, 51, 101, 151):
        click(driver, f"#many-{first}")
        wait(driver).until(EC.presence_of_element_located(
            (By.ID, "limits-sent")))
    small = [n for n in names(driver) if len(n) == 4 and n[0] == "c"]
    assert 100 < len(small) <= 180
    assert "c200" in small                      # the newest survive
    driver.get(site.url("/lab/limits/"))
    shown = int(driver.find_element(By.ID, "limits-small").text)
    assert shown == len(small)

    click(driver, "#fill")
    wait(driver).until(EC.presence_of_element_located((By.ID,
                                                       "limits-sent")))
    driver.get(site.url("/lab/limits/"))
    assert "431 Request Header Fields Too Large" in driver.page_source
    driver.save_screenshot(str(output_dir / "cookies_431.png"))
    # The rest of the site is fine meanwhile.
    driver.get(site.url("/"))
    assert driver.find_element(By.TAG_NAME, "h1").text
    driver.get(site.url("/lab/limits/"))
    button = driver.find_element(By.ID, "clear-lab-js")
    wait(driver).until(lambda d: button.is_displayed())
    button.click()
    wait(driver).until(EC.presence_of_element_located((By.ID,
                                                       "limits-received")))
    assert driver.find_element(By.ID, "limits-fill").text == "0"
    assert driver.find_element(By.ID, "limits-small").text == "0"


def test_s_c4_431_rescue_without_script(site, driver):
    """S-C4: the static 431 page's form posts outside the lab's Path and
    the server deletes the header breakers."""
    driver.get(site.url("/lab/limits/"))
    click(driver, "#fill")
    wait(driver).until(EC.presence_of_element_located((By.ID,
                                                       "limits-sent")))
    driver.get(site.url("/lab/limits/"))
    click(driver, 'form[action="/cookies/clear-lab"] button')
    wait(driver).until(EC.presence_of_element_located((By.ID,
                                                       "clear-done")))
    driver.get(site.url("/lab/limits/"))
    assert driver.find_element(By.ID, "limits-fill").text == "0"


def test_s_c5_devtools_edit(site, driver):
    """S-C5: editing role in the browser opens the insecure page; editing
    the signed value is refused with the reason."""
    driver.get(site.url("/cookies/tamper/"))
    click(driver, 'form[action="/cookies/tamper/login"] button')
    wait(driver).until(EC.presence_of_element_located((By.ID,
                                                       "signed-state")))
    assert "role=user" in doc_cookie(driver)
    assert "signed_login" not in doc_cookie(driver)      # HttpOnly
    driver.execute_script(
        'document.cookie = "role=admin; path=/cookies/tamper/"')
    driver.get(site.url("/cookies/tamper/admin-insecure"))
    assert driver.find_elements(By.ID, "insecure-admin-open")
    signed = [c for c in driver.get_cookies()
              if c["name"] == "signed_login"][0]
    driver.delete_cookie("signed_login")
    driver.add_cookie({"name": "signed_login", "path": "/cookies/tamper/",
                       "value": signed["value"].replace(".user.",
                                                        ".admin.")})
    driver.get(site.url("/cookies/tamper/admin-signed"))
    refused = driver.find_element(By.ID, "signed-admin-refused")
    assert "signature does not match" in refused.text


def other_page(driver, site, host):
    driver.get(f"http://{host}:{site.other_port}/other/"
               f"?main=http://127.0.0.1:{site.port}")
    wait(driver).until(lambda d: d.find_element(
        By.ID, "run-fetch").is_displayed())


def got(driver):
    cells = driver.find_elements(By.CSS_SELECTOR, "#samesite-got td")
    keys = ["ss_strict", "ss_lax", "ss_none", "ss_default"]
    return {k for k, td in zip(keys, cells)
            if td.get_attribute("data-got") == "1"}


def run_fetches(driver):
    click(driver, "#run-fetch")
    wait(driver).until(lambda d: d.find_element(
        By.CSS_SELECTOR, "#fetch-results tbody").get_attribute("data-done"))
    out = {}
    for row in driver.find_elements(By.CSS_SELECTOR,
                                    "#fetch-results tbody tr"):
        out[row.get_attribute("data-mode")] = (
            row.get_attribute("data-readable"),
            row.get_attribute("data-cookies"))
    return out


def test_s_c9_samesite_from_the_second_origin(site, driver, output_dir):
    """S-C9: from 127.0.0.1:OTHER (same site, another origin) every
    SameSite cookie travels; from localhost:OTHER (another site) a POST
    carries only None (and the fresh no-SameSite cookie: Chromium's
    two-minute Lax+POST exception), a link also carries Lax; and only
    the credentials CORS reply lets script read the answer."""
    driver.get(site.url("/cookies/samesite"))
    click(driver, 'form[action="/cookies/samesite/set"] button')
    wait(driver).until(lambda d: got(d) == {"ss_strict", "ss_lax",
                                            "ss_none", "ss_default"})

    other_page(driver, site, "127.0.0.1")
    fetches = run_fetches(driver)
    assert fetches["none"][0] == "no"
    assert fetches["star"][0] == "no"        # * with credentials: refused
    assert fetches["origin"][0] == "no"      # no Allow-Credentials
    assert fetches["credentials"][0] == "yes"
    assert set(fetches["credentials"][1].split(", ")) >= {
        "ss_strict", "ss_lax", "ss_none", "ss_default"}
    click(driver, "#post-form button")
    wait(driver).until(EC.presence_of_element_located((By.ID,
                                                       "echo-relation")))
    assert "the same site" in driver.find_element(By.ID,
                                                  "echo-relation").text
    assert got(driver) == {"ss_strict", "ss_lax", "ss_none", "ss_default"}

    other_page(driver, site, "localhost")
    fetches = run_fetches(driver)
    assert fetches["credentials"][0] == "yes"
    click(driver, "#post-form button")
    wait(driver).until(EC.presence_of_element_located((By.ID,
                                                       "echo-relation")))
    assert "another site" in driver.find_element(By.ID,
                                                 "echo-relation").text
    assert got(driver) == {"ss_none", "ss_default"}
    driver.save_screenshot(str(output_dir / "cookies_samesite_post.png"))

    other_page(driver, site, "localhost")
    click(driver, "#get-link")
    wait(driver).until(EC.presence_of_element_located((By.ID,
                                                       "echo-method")))
    assert driver.find_element(By.ID, "echo-method").text == "GET"
    assert got(driver) == {"ss_lax", "ss_none", "ss_default"}


def test_s_c7_notice_checkbox(site, driver):
    """S-C7: ticking "today" and closing hides the notice; the cookie's
    expiry is the next midnight (the test site runs in UTC)."""
    driver.get(site.url("/"))
    click(driver, "#notice-today")
    click(driver, "#notice button[type=submit]")
    wait(driver).until(EC.presence_of_element_located((By.ID,
                                                       "notice-state")))
    c = [c for c in driver.get_cookies() if c["name"] == "hideNotice"][0]
    assert c["value"] == "today"
    # Chromium reports the expiry it stored, which may be off the header's
    # whole second by rounding; allow one second either way.
    midnight = round(c["expiry"] / 86400) * 86400
    assert abs(c["expiry"] - midnight) <= 1 and midnight > time.time()
    driver.get(site.url("/"))
    assert not driver.find_elements(By.ID, "notice")
