"""The decoder's colours, as the browser paints them (issue 15, point 5).

S-J1: in both themes the three parts of a token (header, payload,
signature) have three different colours, as on jwt.io, each at 4.5:1 or
more against the box it sits in; "accepted" and "refused" differ in text
and background colour, and each keeps 4.5:1 on its own background.
"""
import re

import pytest
from selenium.webdriver.common.by import By

from browserkit import csp_errors, wait

JWTIO = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
         "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
         "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")


def rgb(css):
    m = re.match(r"rgba?\((\d+), (\d+), (\d+)", css)
    assert m, css
    return tuple(int(v) for v in m.groups())


def luminance(c):
    def ch(v):
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (ch(v) for v in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def style(driver, css, prop):
    return rgb(driver.execute_script(
        "return getComputedStyle(document.querySelector(arguments[0]))"
        "[arguments[1]];", css, prop))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_s_j1_token_parts_and_verdicts_are_coloured(site, driver, theme,
                                                    output_dir):
    """S-J1: header, payload and signature in three colours with 4.5:1 on
    their box; accepted and refused verdicts told apart by colour too."""
    driver.get(site.url("/lab/jwt"))
    driver.add_cookie({"name": "theme", "value": theme, "path": "/"})
    driver.add_cookie({"name": "lang", "value": "ko", "path": "/"})
    driver.get(site.url("/lab/jwt"))
    driver.find_element(By.ID, "lab-token").send_keys(JWTIO)
    driver.find_element(By.CSS_SELECTOR, "form.token-form button").click()
    wait(driver).until(lambda d: d.find_elements(By.ID, "lab-token-parts"))
    assert driver.find_element(By.TAG_NAME, "html").get_attribute(
        "data-theme") == theme
    box = style(driver, "#lab-token-parts", "backgroundColor")
    parts = [style(driver, f"#lab-token-parts .tok-{p}", "color")
             for p in "hps"]
    assert len(set(parts)) == 3, parts
    for c in parts:     # site.css promises 5.9:1; AA asks for 4.5:1
        assert contrast(c, box) >= 5.5, (theme, c, box)
    labels = [style(driver, f".part-{p} > .raw-label", "color")
              for p in "hps"]
    assert labels == parts
    refused = "#verdict-real .verdict.refused"
    accepted = "#verdict-weak .verdict.accepted"
    assert driver.find_element(By.CSS_SELECTOR, refused).text == "✗ 거부"
    assert driver.find_element(By.CSS_SELECTOR, accepted).text == "✓ 받아들임"
    r_fg, r_bg = style(driver, refused, "color"), style(
        driver, refused, "backgroundColor")
    a_fg, a_bg = style(driver, accepted, "color"), style(
        driver, accepted, "backgroundColor")
    assert r_fg != a_fg and r_bg != a_bg
    assert contrast(r_fg, r_bg) >= 4.5 and contrast(a_fg, a_bg) >= 4.5
    driver.save_screenshot(str(output_dir / f"jwt-lab-colours-{theme}.png"))
    assert not csp_errors(driver)
