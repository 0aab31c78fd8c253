"""S-S5: GET /cart/state, the visitor's cart as JSON from whichever store
holds it (DESIGN.md): the guest cart in the session data, or the user's
cart in user_carts once logged in. A read: it makes no session."""
import json

import pytest

import sitectl
from sitectl import Client, csrf_from

STORES = sitectl.STORES     # on SQLite and on Redis (issue 12)

KIMCHI, GOCHUJANG, DOENJANG = 1, 2, 3


@pytest.fixture
def client(site):
    c = Client(site)
    yield c
    c.close()


def add(c, product, qty):
    token = csrf_from(c.get("/cart").text)
    r = c.post("/cart/add", data={"product": str(product), "qty": str(qty),
                                  "csrf": token})
    assert r.status_code == 303, r.text[:300]


def test_s_s5_state_without_a_session_is_an_empty_guest_cart(site, client):
    r = client.get("/cart/state")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == sitectl.JSON_TYPE
    assert r.json() == {"owner": "guest", "items": []}
    # A read makes no session: no Set-Cookie at all.
    assert "Set-Cookie" not in r.headers
    assert client.sid is None


def test_s_s5_state_lists_the_guest_cart_kept_in_the_session(site, client):
    add(client, KIMCHI, 2)
    add(client, GOCHUJANG, 1)
    r = client.get("/cart/state", headers={"Accept-Language": "en"})
    assert r.status_code == 200
    assert r.json() == {"owner": "guest", "items": [
        {"product_id": KIMCHI, "name": "Napa cabbage kimchi 1 kg", "qty": 2},
        {"product_id": GOCHUJANG, "name": "Gochujang 500 g", "qty": 1}]}
    # The same cart as the session row holds it.
    row = site.session_row(client.sid)
    assert json.loads(row["data"])["cart"] == {str(KIMCHI): 2,
                                               str(GOCHUJANG): 1}


def test_s_s5_state_names_follow_the_page_language(site, client):
    add(client, DOENJANG, 3)
    client.cookies["lang"] = "ko"
    r = client.get("/cart/state")
    assert r.json()["items"] == [
        {"product_id": DOENJANG, "name": "된장 500g", "qty": 3}]


def test_s_s5_state_after_login_is_the_user_cart(site, client):
    add(client, DOENJANG, 4)
    assert client.login("alice", "alice-password").status_code == 303
    r = client.get("/cart/state", headers={"Accept-Language": "en"})
    assert r.status_code == 200
    body = r.json()
    assert body["owner"] == "user"
    # The guest line merged into alice's stored cart at login.
    assert {"product_id": DOENJANG, "name": "Doenjang 500 g", "qty": 4} \
        in body["items"]
    with site.db() as db:
        stored = dict(db.execute(
            "SELECT product_id, qty FROM user_carts JOIN users "
            "ON users.id = user_carts.user_id WHERE username = 'alice'"
        ).fetchall())
    assert {i["product_id"]: i["qty"] for i in body["items"]} == stored


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_s_s5_state_is_get_only(site, client, method):
    r = client.request(method, "/cart/state", data=b"")
    assert r.status_code == 405
    assert r.headers["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("query,json_error", [
    ("?owner=user", True), ("?items%5B%5D=1", True),
    # A NUL byte is refused while the request is parsed, before routing.
    ("?x=%00", False)])
def test_s_s5_state_takes_no_fields(site, client, query, json_error):
    add(client, KIMCHI, 1)
    before = site.session_row(client.sid)["data"]
    r = client.get("/cart/state" + query)
    assert r.status_code == 400
    if json_error:
        assert r.headers["Content-Type"] == sitectl.JSON_TYPE
        assert r.json()["error"] == "invalid_input"
    assert site.session_row(client.sid)["data"] == before
