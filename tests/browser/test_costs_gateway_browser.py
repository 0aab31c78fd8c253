"""S-J11 on /lab/costs (issue 13 §5): the gateway's cost beside the
node's. On the front of `make cluster` (sitectl.running_cluster) the page
gets one RS256 token and sends it 20 times through the gateway
(/gw/api/me, verified by HAProxy) and 20 times to the node's own check
(/api/me); every call is answered 200 by the nodes, and the table shows a
median round trip for each (a figure, never asserted as a timing).
Under `make run` the page says there is no gateway."""
import re

import pytest
from selenium.webdriver.common.by import By

import sitectl
from browserkit import csp_errors, wait


@pytest.fixture(scope="module")
def cluster():
    with sitectl.running_cluster("browser-costs") as cl:
        yield cl


def run(driver, base_url):
    driver.get(base_url("/lab/costs"))
    wait(driver).until(lambda d: d.find_element(
        By.ID, "costs-gw-run").is_enabled())
    driver.find_element(By.ID, "costs-gw-run").click()
    wait(driver, 60).until(lambda d: d.find_element(
        By.ID, "costs-gw-status").get_attribute("data-state") in ("in", "out"))
    return {rid: (driver.find_element(By.CSS_SELECTOR,
                                      f"#{rid} .median").text,
                  driver.find_element(By.CSS_SELECTOR,
                                      f"#{rid} .calls").text,
                  driver.find_element(By.CSS_SELECTOR,
                                      f"#{rid} .nodes").text)
            for rid in ("costs-gw-gateway", "costs-gw-node")}


def test_s_j11_costs_measures_the_gateway_beside_the_node(driver, cluster):
    rows = run(driver, cluster.front.url)
    status = driver.find_element(By.ID, "costs-gw-status")
    assert status.get_attribute("data-state") == "in", status.text
    for rid, (med, calls, nodes) in rows.items():
        assert re.fullmatch(r"\d+\.\d\d", med), (rid, med)
        assert calls == "20 / 20", rid
        # round robin: both nodes answered (a favicon request may fall
        # between two calls and shift the split by one)
        m = re.fullmatch(r"a × (\d+), b × (\d+)", nodes)
        assert m and int(m[1]) + int(m[2]) == 20 and \
            min(int(m[1]), int(m[2])) >= 9, (rid, nodes)
    assert re.fullmatch(r"Checked at the gateway: \d+\.\d\d ms; checked at "
                        r"the node: \d+\.\d\d ms \(medians of 20 calls "
                        r"each\)\.", status.text)
    assert not csp_errors(driver)


def test_s_j11_costs_without_the_cluster_says_there_is_no_gateway(driver,
                                                                  site):
    rows = run(driver, site.url)
    status = driver.find_element(By.ID, "costs-gw-status")
    assert status.get_attribute("data-state") == "out"
    assert "make cluster" in status.text
    assert rows["costs-gw-gateway"][1] == "0 / 20"
    assert rows["costs-gw-node"][1] == "20 / 20"
    assert not csp_errors(driver)
