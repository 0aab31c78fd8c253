"""What only a browser shows about cookies: document.cookie against
HttpOnly (S-C2), persistence across a browser restart with the same
profile (S-C3, S-C6), which oversized cookies Chromium keeps and the 431
rescue (S-C4), the tampering lesson in devtools terms (S-C5), and
SameSite and CORS from a second origin (S-C9). Issue 15: the site's own
cookies the 200-cookie batches evict are named before and after (S-C4),
the page script speaks the page's language, the cookie cards' layout at
1280 and 390 px (S-H1, S-C1, S-C5), and the echo page's reading of a
cross-site POST and link (S-C9)."""
import shutil
import tempfile
import time
from pathlib import Path

import pytest
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


def test_s_c6_both_languages_switch(site, driver):
    """S-C6, issue 14: the switch's third button sets lang=both; the next
    page says <html lang="ko" data-lang="both">, the title and the
    paragraphs in both languages, and page scripts speak both (siteLang.t
    gives "ko / en"); "English" then goes back to English alone."""
    driver.get(site.url("/visits"))
    click(driver, 'form.switches button[name="lang"][value="both"]')
    wait(driver).until(lambda d: d.find_element(
        By.TAG_NAME, "html").get_attribute("data-lang") == "both")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute(
        "lang") == "ko"
    assert "lang=both" in doc_cookie(driver)
    assert "방문 기록" in driver.title and " / " in driver.title
    assert driver.execute_script(
        "return siteLang.t('남음', 'kept')") == "남음 / kept"
    cols = driver.find_elements(By.CSS_SELECTOR, "main div.both > p")
    assert [c.get_attribute("lang") for c in cols[:2]] == ["ko", "en"]
    click(driver, 'form.switches button[name="lang"][value="en"]')
    wait(driver).until(lambda d: d.find_element(
        By.TAG_NAME, "html").get_attribute("data-lang") == "en")
    assert driver.execute_script(
        "return siteLang.t('남음', 'kept')") == "kept"
    assert not driver.find_elements(By.CSS_SELECTOR, "div.both, .alt")


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


def test_s_c9_other_site_shows_the_language_its_link_names(site, driver):
    """S-C9, issue 14: the other site (another origin: from localhost it
    cannot read this site's lang cookie) shows the language the link
    names (?lang=): Korean alone, English alone, or both side by side;
    its script's text follows (siteLang.t)."""
    base = (f"http://localhost:{site.other_port}/other/"
            f"?main=http://127.0.0.1:{site.port}")
    seen = {}
    for lang in ("ko", "en", "both"):
        driver.get(base + "&lang=" + lang)
        wait(driver).until(lambda d: d.find_element(
            By.ID, "run-fetch").is_displayed())
        seen[lang] = driver.execute_script("""
          const shown = s => Array.from(document.querySelectorAll(s))
              .filter(e => e.offsetParent).length;
          return [document.documentElement.lang,
                  document.documentElement.dataset.lang,
                  shown('main [lang="ko"]'), shown('main [lang="en"]'),
                  document.title, siteLang.t('읽을 수 있음', 'readable')];
        """)
    assert seen["ko"][:2] == ["ko", "ko"] and seen["ko"][3] == 0
    assert seen["ko"][2] > 5 and seen["ko"][4] == "다른 사이트 (S-C9)"
    assert seen["ko"][5] == "읽을 수 있음"
    assert seen["en"][:2] == ["en", "en"] and seen["en"][2] == 0
    assert seen["en"][3] > 5 and seen["en"][4] == "The other site (S-C9)"
    assert seen["en"][5] == "readable"
    assert seen["both"][:2] == ["ko", "both"]
    assert seen["both"][2] == seen["both"][3] > 5
    assert seen["both"][5] == "읽을 수 있음 / readable"


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


# ---- issue 15: what the cookie pages must say truthfully ------------------

SITE_NAMES = ["sid", "__Host-sid", "theme", "lang", "sort", "hideNotice",
              "visitId", "hello", "keep_session", "keep_persistent",
              "ss_strict", "ss_lax", "ss_none", "ss_default", "user", "role",
              "signed_login"]
# The Paths the limits page's script can look at (through the two echoes).
OBSERVABLE = ("/", "/cookies/", "/cookies/hello", "/cookies/tamper/")


def all_cookies(driver):
    """Every cookie the browser holds, whatever its Path (name -> path)."""
    got = driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]
    return {c["name"]: c["path"] for c in got}


def inventory_done(driver):
    wait(driver).until(lambda d: d.find_element(
        By.ID, "limits-site").get_attribute("data-inventory") == "done")
    return driver.find_element(By.ID, "limits-site")


def test_s_c4_site_cookies_the_batches_evict_are_named(site, driver):
    """S-C4: with the site's own cookies set by their lessons, the limits
    page warns by name (hello and keep_persistent too, found by script)
    before the batches; afterwards the script names exactly the site
    cookies the browser dropped, and the server's check names the
    Path=/ ones (HttpOnly visitId included)."""
    driver.get(site.url("/cookies/lifetime"))
    click(driver, 'form[action="/cookies/lifetime/set"] button')
    driver.get(site.url("/cookies/hello"))
    driver.find_element(By.ID, "name-cookie").send_keys("Kim")
    click(driver, 'form[action="/cookies/hello/remember"] button')
    driver.get(site.url("/visits"))
    click(driver, 'form.switches button[name="theme"][value="dark"]')
    before = all_cookies(driver)
    assert {"hello", "keep_persistent", "visitId", "theme"} <= set(before)

    driver.get(site.url("/lab/limits/"))
    inventory_done(driver)
    risk = driver.find_element(By.ID, "limits-at-risk").text.split(", ")
    want = [n for n in SITE_NAMES if n in before]
    assert risk == want
    for first in (1, 51, 101, 151):
        click(driver, f"#many-{first}")
        wait(driver).until(EC.presence_of_element_located(
            (By.ID, "limits-sent")))
        table = inventory_done(driver)
        if first < 151:
            assert table.get_attribute("data-lost") == ""
    after = all_cookies(driver)
    dropped = [n for n in SITE_NAMES if n in before and n not in after
               and before[n] in OBSERVABLE]
    assert dropped, "Chromium evicted none of the site's cookies"
    assert table.get_attribute("data-lost") == ",".join(dropped)
    box = driver.find_element(By.ID, "js-dropped")
    assert box.is_displayed()
    items = box.find_elements(By.CSS_SELECTOR, "ul.dropped li")
    named = [c.text for li in items
             for c in li.find_elements(By.CSS_SELECTOR, "span > code")]
    assert named == dropped
    for n in dropped:
        state = driver.find_element(
            By.CSS_SELECTOR, f'.site-state[data-name="{n}"]')
        assert state.get_attribute("data-state") == "gone"

    click(driver, "#limits-check button")
    server = [n for n in dropped if before[n] == "/"]
    if server:
        box = driver.find_element(By.ID, "limits-dropped")
        codes = [c.text for c in box.find_elements(
            By.CSS_SELECTOR, "ul.dropped li > code")]
        assert codes == server
    else:
        assert driver.find_elements(By.ID, "limits-kept")


def test_s_c4_page_script_speaks_the_page_language(site, driver):
    """S-C4: on a Korean page the script's report is Korean, from the
    string table, not "kept · 남음"."""
    driver.get(site.url("/visits"))
    click(driver, 'form.switches button[name="lang"][value="ko"]')
    driver.get(site.url("/lab/limits/"))
    button = driver.find_element(By.ID, "js-big")
    wait(driver).until(lambda d: button.is_displayed())
    assert button.text == "스크립트로 해 보기"
    button.click()
    out = driver.find_element(By.ID, "js-big-result")
    wait(driver).until(lambda d: "js5000" in out.text)
    assert out.text == ("js4096 (4096 B): 남음\njs5000 (5000 B): 버려짐\n"
                        "(두 쿠키는 다시 지웠습니다)")


def layout(driver):
    """Geometry the checks below need, measured in the page."""
    return driver.execute_script("""
      var main = document.querySelector('main');
      var cs = getComputedStyle(main);
      var inner = main.clientWidth - parseFloat(cs.paddingLeft) -
                  parseFloat(cs.paddingRight);
      var cards = [].map.call(document.querySelectorAll(
          'main .card'), function (c) {
        var h = c.querySelector(':scope > h2, :scope > h3');
        var pad = parseFloat(getComputedStyle(c).paddingTop);
        return {cls: c.className, width: c.getBoundingClientRect().width,
                band: h ? h.getBoundingClientRect().top -
                      c.getBoundingClientRect().top - pad : null};
      });
      var badges = [].map.call(document.querySelectorAll('.insecure'),
        function (b) {
          var card = b.closest('.card') || main;
          return {lines: b.getClientRects().length,
                  right: b.getBoundingClientRect().right,
                  limit: card.getBoundingClientRect().right};
        });
      return {inner: inner, cards: cards, badges: badges,
              overflow: document.documentElement.scrollWidth >
                        window.innerWidth};
    """)


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_s_h1_s_c1_s_c5_cards_use_the_width_and_keep_badges_whole(
        site, width, lang):
    """S-H1, S-C1, S-C5 layout: a card's heading sits at its top (no
    empty band), the single form card of /lab/ and /cookies/tamper/ fills
    the width at 1280 px, the "insecure by design" badge is one line
    inside its card, and nothing scrolls sideways at 390 px."""
    profile = tempfile.mkdtemp(prefix="sitetest-layout-")
    d = chromium(profile, window="1280,900")
    try:
        # A window cannot be narrower than Chromium's minimum: emulate the
        # phone's viewport, as test_screens.py does.
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": 900, "deviceScaleFactor": 1,
            "mobile": False})
        d.get(site.url("/session/state"))
        d.add_cookie({"name": "lang", "value": lang, "path": "/"})
        for path in ("/cookies/hello", "/cookies/hello/step3",
                     "/cookies/tamper/", "/lab/", "/lab/path/"):
            d.get(site.url(path))
            g = layout(d)
            assert not g["overflow"], path
            for card in g["cards"]:
                if card["band"] is not None:
                    assert abs(card["band"]) <= 2, (path, card)
            for b in g["badges"]:
                assert b["lines"] == 1 and b["right"] <= b["limit"] + 1, \
                    (path, b)
            if path in ("/lab/", "/cookies/tamper/"):
                form = [c for c in g["cards"]
                        if "lab" in c["cls"].split() or
                        "tamper-forms" in c["cls"].split()]
                assert len(form) == 1
                assert form[0]["width"] >= 0.98 * g["inner"], (path, g)
        d.get(site.url("/cookies/tamper/"))
        assert len(layout(d)["badges"]) == 1
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_s_c9_the_echo_page_explains_what_arrived(site, driver):
    """S-C9 in a real browser: with the language set to Korean, a POST
    from the cross-site other origin comes back in English (the Lax lang
    cookie stayed behind) and the page says why; the link from there is a
    top-level GET without Origin that carries Lax cookies, lang included,
    so it comes back in Korean and says so."""
    driver.get(site.url("/cookies/samesite"))
    click(driver, 'form[action="/cookies/samesite/set"] button')
    click(driver, 'form.switches button[name="lang"][value="ko"]')
    wait(driver).until(lambda d: d.find_element(
        By.TAG_NAME, "html").get_attribute("lang") == "ko")

    other_page(driver, site, "localhost")
    click(driver, "#post-form button")
    wait(driver).until(EC.presence_of_element_located((By.ID,
                                                       "echo-reading")))
    assert driver.find_element(By.TAG_NAME, "html").get_attribute(
        "lang") == "en"
    note = driver.find_element(By.ID, "echo-lang-note")
    assert "This page may be in another language than usual." in note.text
    # One language a page (issue 14): the Accept-Language one alone.
    assert "이 페이지의 언어가 평소와 다를 수 있습니다." not in note.text
    assert "Accept-Language" in driver.find_element(
        By.ID, "echo-lang-source").text

    other_page(driver, site, "localhost")
    click(driver, "#get-link")
    wait(driver).until(EC.presence_of_element_located((By.ID,
                                                       "echo-reading")))
    assert driver.find_element(By.TAG_NAME, "html").get_attribute(
        "lang") == "ko"
    assert driver.find_element(By.ID, "echo-origin").text == ""
    assert driver.find_element(By.ID, "echo-referer").text == \
        f"http://localhost:{site.other_port}/"
    text = driver.find_element(By.ID, "echo-reading").text
    assert "다른 사이트의 링크를 따라 들어온 최상위 GET입니다." in text
    assert "SameSite=Lax 쿠키는 실려 옵니다" in text
    assert "주소창" not in text
    assert not driver.find_elements(By.ID, "echo-lang-note")
    assert got(driver) == {"ss_lax", "ss_none", "ss_default"}
