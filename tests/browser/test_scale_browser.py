"""S-X3 in Chromium: log in on node A with the page's button, get a JWT,
and let the page's front send six requests. Round robin loses the
node-local login on node B's half; sticky (the readable scale_node cookie)
keeps it; the JWT is recognised every time."""
from selenium.webdriver.common.by import By

from browserkit import csp_errors, wait


def text(driver, id_):
    return driver.find_element(By.ID, id_).get_attribute("textContent")


def send(driver, mode):
    driver.find_element(By.CSS_SELECTOR,
                        f'input[name="mode"][value="{mode}"]').click()
    driver.find_element(By.ID, "scale-send").click()
    wait(driver).until(lambda d: text(d, "scale-summary") != "")
    rows = driver.execute_script(
        "return Array.from(document.querySelectorAll('#scale-rows tr'))"
        ".map(function (tr) { return Array.from(tr.cells)"
        ".map(function (td) { return td.textContent; }); });")
    return rows, text(driver, "scale-summary")


def test_s_x3_front_round_robin_and_sticky(driver, site, output_dir):
    driver.get(site.url("/lab/scale"))
    wait(driver).until(lambda d: d.find_element(
        By.ID, "scale-send").is_displayed())
    driver.find_element(By.ID, "scale-login-a").click()
    wait(driver).until(lambda d: "303" in text(d, "scale-login-out"))
    assert "scale_node=a" in text(driver, "scale-login-out")
    # scale_sid is HttpOnly; scale_node is the readable sticky hint.
    doc = driver.execute_script("return document.cookie")
    assert "scale_node=a" in doc and "scale_sid" not in doc
    driver.find_element(By.ID, "scale-jwt").click()
    wait(driver).until(lambda d: "access_token" in text(d,
                                                        "scale-login-out"))
    rows, summary = send(driver, "rr")
    assert [r[1] for r in rows] == ["A", "B", "A", "B", "A", "B"]
    assert [r[3] for r in rows] == ["✔ alice", "✘ unknown"] * 3
    assert all(r[5] == "✔ Alice" for r in rows)
    assert rows[0][2] != rows[1][2]            # two processes
    assert summary == ("Of 6 requests, recognised: node-local 3, "
                       "shared store 0, JWT 6")
    driver.save_screenshot(str(output_dir / "scale-round-robin.png"))
    rows, summary = send(driver, "sticky")
    assert [r[1] for r in rows] == ["A"] * 6
    assert summary == ("Of 6 requests, recognised: node-local 6, "
                       "shared store 0, JWT 6")
    assert driver.execute_script(
        "return localStorage.length + sessionStorage.length") == 0
    assert csp_errors(driver) == []


def hex_rgb(h):
    h = h.strip().lstrip("#")
    return "rgb(%d, %d, %d)" % tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


def marks(driver):
    """Every verdict mark of the front's table: text, class, role, name,
    colour, row by row."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#scale-rows tr'))"
        ".map(function (tr) { return Array.from(tr.querySelectorAll("
        "'.mark')).map(function (m) { return [m.textContent, m.className,"
        " m.getAttribute('role'), m.getAttribute('aria-label'),"
        " getComputedStyle(m).color]; }); });")


def test_s_x3_verdicts_coloured_named_and_in_korean(driver, site):
    """S-X3 (issue 15 §13, §10): ✔ and ✘ are coloured with the theme's ok
    and error colours in both themes, each carries a text alternative
    (role=img with an aria-label), and on the Korean page the verdicts,
    the JWT's reason and the summary are Korean."""
    driver.get(site.url("/lab/scale"))
    for theme in ("light", "dark"):
        driver.add_cookie({"name": "lang", "value": "ko", "path": "/"})
        driver.add_cookie({"name": "theme", "value": theme, "path": "/"})
        driver.get(site.url("/lab/scale"))
        wait(driver).until(lambda d: d.find_element(
            By.ID, "scale-send").is_displayed())
        ok, bad = driver.execute_script(
            "var s = getComputedStyle(document.documentElement);"
            "return [s.getPropertyValue('--ok-line'),"
            " s.getPropertyValue('--err-line')];")
        driver.find_element(By.ID, "scale-login-a").click()
        wait(driver).until(lambda d: "303" in text(d, "scale-login-out"))
        assert text(driver, "scale-login-out").endswith(
            "노드 메모리 세션을 만들었습니다(scale_node=a)")
        rows, summary = send(driver, "rr")
        # No JWT was asked for: every node says why, in Korean.
        assert [r[3] for r in rows] == ["✔ alice", "✘ 모름"] * 3
        assert all(r[5] == "✘ 토큰 없음" for r in rows)
        assert summary == ("요청 6개 가운데 알아본 요청은 노드 메모리 세션 "
                           "3개, 공유 저장소 세션 0개, JWT 0개입니다.")
        got = marks(driver)
        assert got[0][0] == ["✔", "mark ok", "img", "알아봄", hex_rgb(ok)]
        assert got[1][0] == ["✘", "mark bad", "img", "알아보지 못함",
                             hex_rgb(bad)]
        assert hex_rgb(ok) != hex_rgb(bad)
        assert all(len(row) == 3 for row in got)
    assert csp_errors(driver) == []
