"""S-J11 in Chromium: the forgery lab sends its token through the API
gateway and says which hop refused it. On the front of `make cluster`
(sitectl.running_cluster) HAProxy refuses each forgery itself, with
X-Gateway-Refused and no X-Node; under `make run` (the site fixture)
there is no gateway, and the node route says it trusts only one."""
import pytest
from selenium.webdriver.common.by import By

import sitectl
from browserkit import csp_errors, wait


@pytest.fixture(scope="module")
def cluster():
    with sitectl.running_cluster("browser-gateway") as cl:
        yield cl


def forge_and_send(driver, base_url, kind):
    driver.get(base_url("/lab/jwt"))
    driver.find_element(By.CSS_SELECTOR, f'button[value="{kind}"]').click()
    wait(driver).until(lambda d: not d.find_element(
        By.ID, "forge-gw-send").get_attribute("disabled"))
    driver.find_element(By.ID, "forge-gw-send").click()
    wait(driver).until(lambda d: d.find_element(
        By.ID, "forge-gw-answer").get_attribute("data-status"))
    return (driver.find_element(By.ID, "forge-gw-answer"),
            driver.find_element(By.ID, "forge-gw-hop"))


@pytest.mark.parametrize("kind,reason", [
    ("none", "alg"), ("none_mixed", "alg"), ("hs256_pubkey", "alg"),
    ("tampered", "signature"), ("expired", "expired"),
    ("wrong_aud", "audience")])
def test_s_j11_the_gateway_refuses_each_forgery_itself(driver, cluster,
                                                       kind, reason):
    answer, hop = forge_and_send(driver, cluster.front.url, kind)
    assert answer.get_attribute("data-status") == "401"
    assert f"X-Gateway-Refused: {reason}" in answer.text
    assert "X-Node" not in answer.text
    assert hop.get_attribute("data-hop") == "gateway"
    assert hop.text == (
        f"Refused by the gateway (HAProxy) before any node saw it: {reason}."
        " No node answered (no X-Node).")
    assert not csp_errors(driver)


def test_s_j11_without_the_cluster_the_node_route_trusts_no_one(driver,
                                                                 site):
    answer, hop = forge_and_send(driver, site.url, "none")
    assert answer.get_attribute("data-status") == "403"
    assert '"not_from_gateway"' in answer.text
    assert hop.get_attribute("data-hop") == "none"
    assert "make cluster" in hop.text
    assert not csp_errors(driver)
