"""S-X3 /lab/scale in Chromium on the real front (`make cluster`,
sitectl.running_cluster): the page sees X-Node, runs the four setups on
HAProxy and shows, per call, the node that answered and whether it knew
the login; after node A is killed, the same calls again show what the
dying node lost. Under `make run` (the site fixture) the page labels its
front an imitation and names `make cluster`."""
import pytest
from selenium.webdriver.common.by import By

import sitectl
from browserkit import csp_errors, wait


@pytest.fixture(scope="module")
def cluster():
    with sitectl.running_cluster("browser-scale") as cl:
        yield cl


def text(driver, id_):
    return driver.find_element(By.ID, id_).get_attribute("textContent")


def table(driver, tbody):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#' + arguments[0] +"
        " ' tr')).map(function (tr) { return [tr.getAttribute("
        "'data-setup')].concat(Array.from(tr.cells).map(function (td) {"
        " return td.textContent; })); });", tbody)


def run(driver, button):
    driver.find_element(By.ID, button).click()
    wait(driver, 60).until(lambda d: not d.find_element(
        By.ID, "scale-run").get_attribute("disabled") and
        len(table(d, "scale-real-rows")) >= 24)
    return table(driver, "scale-real-rows"), table(driver, "scale-real-sum")


def setup_rows(rows, sid):
    return [r for r in rows if r[0] == sid]


def test_s_x3_real_front_in_korean(driver, cluster):
    """The Korean page on the real front: the setups, the verdicts and the
    status line in Korean; every column label in Korean alone (issue 14:
    one language at a time). (Runs before the kill below: both nodes are
    up.)"""
    driver.get(cluster.front.url("/lab/scale"))
    driver.add_cookie({"name": "lang", "value": "ko", "path": "/"})
    driver.get(cluster.front.url("/lab/scale"))
    wait(driver).until(lambda d: d.execute_script(
        "return document.documentElement.getAttribute('data-scale-front')")
        == "real")
    heads = driver.execute_script(
        "return Array.from(document.querySelectorAll('#scale-real th'))"
        ".map(function (th) { return Array.from(th.querySelectorAll("
        "'span[lang]')).map(function (s) { return s.lang; }); });")
    assert heads.count(["ko"]) == 9, heads  # all but # and X-Node
    assert ["ko", "en"] not in heads and ["en"] not in heads
    rows, sums = run(driver, "scale-run")
    mem = setup_rows(rows, "mem-rr")
    assert mem[0][1] == "ⓐ 노드 메모리 + 라운드 로빈"
    assert mem[0][2] == "로그인" and mem[0][5] == "로그인함"
    assert sorted(r[5] for r in mem[1:]) == ["✔ alice"] * 3 + ["✘ 모름"] * 3
    assert [r[5] for r in setup_rows(rows, "jwt-rr")[1:]] == ["✔ Alice"] * 6
    assert text(driver, "scale-real-status").startswith(
        "네 가지를 실행했습니다.")


def test_s_x3_four_setups_on_the_real_front_then_a_dead_node(driver, cluster,
                                                              output_dir):
    driver.get(cluster.front.url("/lab/scale"))
    wait(driver).until(lambda d: d.execute_script(
        "return document.documentElement.getAttribute('data-scale-front')")
        == "real")
    assert driver.find_element(By.ID, "scale-real").is_displayed()
    assert not driver.find_element(By.ID, "scale-imitation").is_displayed()
    assert not driver.find_element(By.ID, "scale-front").is_displayed()
    assert text(driver, "scale-kill-cmd") == (
        f"PORT={cluster.front_port} tools/cluster.sh kill-node a")

    rows, sums = run(driver, "scale-run")
    assert len(rows) == 28                # 4 x (login + six calls)
    other = {"A": "B", "B": "A"}
    mem = setup_rows(rows, "mem-rr")
    took = mem[0][4]
    assert mem[0][2] == "login" and mem[0][3].startswith(
        "POST /lab/scale/a/login → 200")
    assert [r[4] for r in mem[1:]] == [other[took], took] * 3
    assert [r[5] for r in mem[1:]] == ["✘ unknown", "✔ alice"] * 3
    sticky = setup_rows(rows, "mem-sticky")
    stook = sticky[0][4]
    assert sticky[0][3].startswith("POST /sticky/lab/scale/a/login → 200")
    assert [r[4] for r in sticky[1:]] == [stook] * 6
    assert [r[5] for r in sticky[1:]] == ["✔ alice"] * 6
    redis = setup_rows(rows, "redis-rr")
    rtook = redis[0][4]
    assert redis[0][3] == "POST /session/login → 200" and rtook in ("A", "B")
    assert sorted(r[4] for r in redis[1:]) == ["A"] * 3 + ["B"] * 3
    assert [r[5] for r in redis[1:]] == ["✔ alice"] * 6
    jwt = setup_rows(rows, "jwt-rr")
    assert jwt[0][3] == "POST /api/auth/login (RS256) → 200"
    assert [r[4] for r in jwt[1:]][::2] in (["A"] * 3, ["B"] * 3)
    assert sorted(r[4] for r in jwt[1:]) == ["A"] * 3 + ["B"] * 3
    assert [r[5] for r in jwt[1:]] == ["✔ Alice"] * 6
    by = {r[0]: r[1:] for r in sums}
    assert by["mem-rr"][1:5] == [took, "3", "3", "3"]
    assert by["mem-sticky"][1:5] == [stook, "6" if stook == "A" else "0",
                                     "0" if stook == "A" else "6", "6"]
    assert by["redis-rr"][1:5] == [rtook, "3", "3", "6"]
    assert by["jwt-rr"][2:5] == ["3", "3", "6"]
    assert all(r[5] == "-" for r in by.values())

    cluster.node["a"].kill9()
    cluster.wait_node_down("a", timeout=5)
    rows, sums = run(driver, "scale-again")
    assert len(rows) == 24                # no new logins: six calls each
    assert all(r[4] == "B" for r in rows)
    by = {r[0]: r[1:] for r in sums}
    for sid, holder in (("mem-rr", took), ("mem-sticky", stook)):
        want = ("lost (recognised 0/6, A 0, B 6)" if holder == "A" else
                "kept (recognised 6/6, A 0, B 6)")
        assert by[sid][5] == want, (sid, by[sid])
    assert by["redis-rr"][5] == "kept (recognised 6/6, A 0, B 6)"
    assert by["jwt-rr"][5] == "kept (recognised 6/6, A 0, B 6)"
    driver.save_screenshot(str(output_dir / "scale-real-front-after-kill.png"))
    assert csp_errors(driver) == []


def test_s_x3_make_run_labels_the_imitation(driver, site):
    driver.get(site.url("/lab/scale"))
    wait(driver).until(lambda d: d.execute_script(
        "return document.documentElement.getAttribute('data-scale-front')")
        == "imitation")
    note = driver.find_element(By.ID, "scale-imitation")
    assert note.is_displayed()
    assert "this page is playing the balancer" in note.text
    assert "make cluster" in note.text
    assert "http://127.0.0.1:8080/lab/scale" in note.text
    assert not driver.find_element(By.ID, "scale-real").is_displayed()
    assert driver.find_element(By.ID, "scale-send").is_displayed()
