"""Issue 14: the 50-minute class followed end to end in headless Chromium,
in Korean and in English. Each step's real action, done with the page's
own forms and buttons, ticks its checkpoint on /course (S-H1, S-C1, S-C5,
S-S1, S-S5, S-J2, S-J4, S-J5, S-X1), and the teacher's counts rise on
/teach, which a second browser (the admin's) shows without a reload."""
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitectl import Client, csrf_from  # noqa: E402
from browserkit import chromium, csp_errors, wait  # noqa: E402
from test_jwt_browser import login_on_page  # noqa: E402

CLASS = ["hello", "lab", "tamper", "login", "cart", "jwt", "expiry",
         "reuse", "compare"]
TITLE = {"ko": "50분 수업 따라가기", "en": "The 50-minute class"}


def submit(driver, form_css):
    """Submit the form (its own submit button) and wait for the answer."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.execute_script(
        "document.querySelector(arguments[0])"
        ".querySelector('button[type=submit]').click();", form_css)
    wait(driver).until(EC.staleness_of(old))
    wait(driver).until(lambda d: d.execute_script(
        "return document.readyState") == "complete")


def ticks(driver, site):
    """The checklist of /course as the page shows it: the ticked IDs."""
    driver.get(site.url("/course"))
    return [li.get_attribute("id")[len("check-"):] for li in
            driver.find_elements(By.CSS_SELECTOR,
                                 "#course-checklist li.ticked")]


def all_cookies(driver):
    return {c["name"]: c for c in
            driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]}


def set_cookie(driver, site, name, value, path):
    driver.execute_cdp_cmd("Network.setCookie", {
        "name": name, "value": value, "url": site.url(path), "path": path})


def jwt_open(driver, site):
    """Open /jwt and wait for its auto-login from the refresh cookie."""
    driver.get(site.url("/jwt"))
    wait(driver).until(lambda d: d.find_element(
        By.ID, "jwt-status").get_attribute("data-state") == "in")


def press_me_and_wait(driver, rows):
    """Press GET /api/me and wait for its new group of `rows` log rows,
    each with its status; returns them as "path status"."""
    groups = ("return document.querySelectorAll("
              "'#jwt-log tbody.jwt-action').length;")
    js = ("var g = document.querySelectorAll('#jwt-log tbody.jwt-action');"
          "return Array.prototype.map.call(g[g.length - 1].querySelectorAll("
          "'tr.jwt-step'), function (tr) {"
          " return tr.getAttribute('data-path') + ' ' +"
          " tr.getAttribute('data-status'); });")
    n = driver.execute_script(groups)
    driver.find_element(By.ID, "jwt-me").click()
    wait(driver).until(lambda d: d.execute_script(groups) > n and len(
        [r for r in d.execute_script(js)
         if not r.endswith((" null", " "))]) == rows)
    return driver.execute_script(js)


def admin_post(admin, path, **data):
    token = csrf_from(admin.get("/session/admin").text)
    r = admin.post(path, data={"csrf": token, **data})
    assert r.status_code == 200, r.text[:300]
    time.sleep(1.1)     # each program re-reads the demo clock once a second


@pytest.fixture
def teacher(site):
    """A second Chromium, logged in as the admin, on /teach."""
    admin = Client(site)
    assert admin.login("admin", "admin-password").status_code == 303
    profile = tempfile.mkdtemp(prefix="sitetest-teacher-")
    d = chromium(profile)
    try:
        d.get(site.url("/static/css/site.css"))
        d.add_cookie({"name": "sid", "value": admin.sid, "path": "/"})
        d.get(site.url("/teach"))
        assert d.find_element(By.ID, "teach-counts")
        yield d, admin
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)
        admin.close()


def count_on_teach(d, cid):
    return int(d.find_element(
        By.CSS_SELECTOR, f'td.count[data-id="{cid}"]').text)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_fifty_minute_class_end_to_end(site, driver, teacher, lang):
    """S-H1 → S-X1: the nine steps of the class, each done on its page,
    each ticked on /course only after its action; the teacher's /teach
    shows the counts rise by polling."""
    tdriver, admin = teacher
    before = {c: count_on_teach(tdriver, c) for c in CLASS}
    driver.get(site.url("/static/css/site.css"))
    driver.add_cookie({"name": "lang", "value": lang, "path": "/"})
    driver.get(site.url("/course"))
    assert driver.find_element(By.TAG_NAME, "h1").text == TITLE[lang]
    assert driver.find_element(By.TAG_NAME, "html").get_attribute(
        "lang") == lang
    assert ticks(driver, site) == []
    done = []

    def step_done(cid):
        done.append(cid)
        assert ticks(driver, site) == done, cid
        assert driver.find_element(By.ID, "course-done").text == \
            str(len(done))
        # the mirror cookie, as script reads it, lists the same steps
        assert driver.find_element(By.ID, "course-cookie-js").text == \
            ".".join(done)

    # 1. S-H1: the name in the address is forgotten, the cookie remembers
    driver.get(site.url("/cookies/hello"))
    driver.find_element(By.ID, "name-url").send_keys("Ada")
    submit(driver, "form[action='/cookies/hello/step2']")
    driver.get(site.url("/cookies/hello/step3"))
    assert ticks(driver, site) == []
    driver.get(site.url("/cookies/hello"))
    driver.find_element(By.ID, "name-cookie").send_keys("Ada")
    submit(driver, "form[action='/cookies/hello/remember']")
    assert "/cookies/hello/step3" in driver.current_url
    step_done("hello")

    # 2. S-C1/S-C2: build a cookie in the lab
    driver.get(site.url("/lab/"))
    submit(driver, "form[action='/lab/set']")
    step_done("lab")

    # 3. S-C5: log in twice, edit role and the signed cookie, get refused
    driver.get(site.url("/cookies/tamper/"))
    submit(driver, "form[action='/cookies/tamper/login']")
    driver.get(site.url("/cookies/tamper/admin-signed"))
    assert ticks(driver, site) == done
    jar = all_cookies(driver)
    set_cookie(driver, site, "role", "admin", "/cookies/tamper/")
    set_cookie(driver, site, "signed_login",
               jar["signed_login"]["value"].replace("alice.user",
                                                    "alice.admin"),
               "/cookies/tamper/")
    driver.get(site.url("/cookies/tamper/admin-insecure"))
    driver.get(site.url("/cookies/tamper/admin-signed"))
    step_done("tamper")

    # 4. S-S1/S-S2: log in; /session/me carries the new sid
    driver.get(site.url("/session/login"))
    driver.find_element(By.ID, "username").send_keys("alice")
    driver.find_element(By.ID, "password").send_keys("wrong-password")
    submit(driver, "form[action='/session/login']")
    assert ticks(driver, site) == done
    driver.get(site.url("/session/login"))
    driver.find_element(By.ID, "username").clear()
    driver.find_element(By.ID, "username").send_keys("alice")
    driver.find_element(By.ID, "password").send_keys("alice-password")
    submit(driver, "form[action='/session/login']")
    assert driver.current_url.endswith("/session/me")
    sid = all_cookies(driver)["sid"]
    assert sid["httpOnly"] is True and sid["sameSite"] == "Lax"
    step_done("login")

    # 5. S-S5: add to the cart
    driver.get(site.url("/cart"))
    submit(driver, "form[action='/cart/add']")
    step_done("cart")

    # 6. S-J2: log in on /jwt and call /api/me with the bearer token
    login_on_page(driver, site)
    assert press_me_and_wait(driver, 1) == ["/api/me 200"]
    step_done("jwt")

    # 7. S-J4: the page logs back in from the refresh cookie; the teacher
    # moves the demo clock past the token's exp; the page's next call
    # gets 401, refreshes silently (with the expired token) and retries
    jwt_open(driver, site)
    admin_post(admin, "/session/admin/clock", minutes="16")
    try:
        assert press_me_and_wait(driver, 3) == [
            "/api/me 401", "/api/auth/refresh 200", "/api/me 200"]
        step_done("expiry")

        # 8. S-J5: copy the refresh token, let the page spend it (a
        # reload logs back in with it), then replay the copy
        spent = all_cookies(driver)["refresh_token"]["value"]
        jwt_open(driver, site)
        assert all_cookies(driver)["refresh_token"]["value"] != spent
        assert ticks(driver, site) == done
        driver.get(site.url("/jwt"))
        driver.find_element(By.ID, "jwt-replay-token").send_keys(spent)
        submit(driver, "form[action='/jwt/replay']")
        step_done("reuse")
    finally:
        admin_post(admin, "/session/admin/clock/reset")

    # 9. S-X1: the cookie-only pane of /compare
    driver.get(site.url("/compare"))
    wait(driver).until(lambda d: d.find_element(By.ID, "cmp-refresh")
                       .is_displayed())   # compare.js is running
    driver.execute_script("document.querySelector('#cookie-login "
                          "button[type=submit]').click();")
    wait(driver).until(lambda d: "cmp_login" in all_cookies(d))
    step_done("compare")

    assert done == CLASS
    assert driver.find_element(By.ID, "course-total").text == "9"
    assert not driver.find_elements(By.ID, "course-forged")
    assert not csp_errors(driver)

    # The teacher's page has polled the counts up, without a reload.
    wait(tdriver, 15).until(lambda d: all(
        count_on_teach(d, c) == before[c] + 1 for c in CLASS))
    assert tdriver.find_element(By.ID, "teach-updated").text != ""
    assert not csp_errors(tdriver)


def test_edited_course_cookie_is_shown_and_repaired(site, driver):
    """The mirror cookie is readable and editable by script; an edit
    ticks nothing: /course marks the claimed step as forged and writes
    the cookie back from the session."""
    driver.get(site.url("/course"))
    driver.execute_script(
        "document.cookie = 'course=hello.reuse; Path=/; SameSite=Lax';")
    driver.get(site.url("/course"))
    forged = driver.find_elements(By.CSS_SELECTOR,
                                  "#course-checklist li.forged")
    assert [li.get_attribute("id") for li in forged] == [
        "check-hello", "check-reuse"]
    assert driver.find_element(By.ID, "course-forged").is_displayed()
    assert driver.find_element(By.ID, "course-cookie").text == "hello.reuse"
    assert driver.find_element(By.ID, "course-cookie-js").text == "—"
    driver.get(site.url("/course"))
    assert driver.find_elements(By.CSS_SELECTOR,
                                "#course-checklist li.ticked") == []
    assert not driver.find_elements(By.ID, "course-forged")
