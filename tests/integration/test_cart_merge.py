"""S-S5 login merge: the guest cart joins the user's stored cart at login
(quantities add up, capped at 99), the page says what was merged, the user
cart lives in its own table (survives logout, seen by a new browser), and
after logout the cart is an empty guest cart again."""
import json
import re

import pytest

from sitectl import Client, csrf_from, main_part
import sitectl

STORES = sitectl.STORES     # on SQLite and on Redis (issue 12)

KIMCHI, GOCHUJANG, DOENJANG, RICE = 1, 2, 3, 8


def start_cart(c):
    r = c.get("/cart")
    assert r.status_code == 200
    c.token = csrf_from(r.text)
    return r


def add(c, product, qty):
    r = c.post("/cart/add", data={"product": str(product), "qty": str(qty),
                                  "csrf": c.token})
    assert r.status_code == 303, r.text[:300]


def stored(site, username):
    return dict(site.query(
        "SELECT product_id, qty FROM user_carts JOIN users ON users.id = "
        "user_id WHERE username = ?", (username,)))


def lines(html):
    return {int(p): int(q) for p, q in re.findall(
        r'<tr data-product="(\d+)">.*?<td class="num qty">(\d+)</td>',
        main_part(html), re.S)}


def login_user_cart(site, username, password, items):
    """Log in a separate browser, empty the user's cart, add items."""
    c = Client(site)
    assert c.login(username, password).status_code == 303
    start_cart(c)
    assert c.post("/cart/clear", data={"csrf": c.token}).status_code == 303
    for p, q in items.items():
        add(c, p, q)
    return c


def test_s_s5_merge_at_login_adds_and_caps(site):
    """S-S5: guest quantities add to the stored ones, capped at 99; the
    /cart page (the login's next) says what merged."""
    other = login_user_cart(site, "bob", "bob-password",
                            {KIMCHI: 98, RICE: 1})
    assert stored(site, "bob") == {KIMCHI: 98, RICE: 1}
    g = Client(site)
    start_cart(g)
    add(g, KIMCHI, 5)
    add(g, GOCHUJANG, 2)
    guest_sid = g.sid
    r = g.login("bob", "bob-password", next_="/cart")
    assert r.status_code == 303 and r.headers["Location"] == "/cart"
    assert g.sid != guest_sid
    assert stored(site, "bob") == {KIMCHI: 99, RICE: 1, GOCHUJANG: 2}
    data = json.loads(site.session_row(g.sid)["data"])
    assert "cart" not in data
    merge = data["cart_merge"]
    assert {i["product"]: (i["before"], i["added"], i["after"], i["capped"])
            for i in merge["items"]} == {
        KIMCHI: (98, 5, 99, True), GOCHUJANG: (0, 2, 2, False)}
    page = g.get("/cart")
    assert page.status_code == 200
    m = main_part(page.text)
    assert 'id="cart-merged"' in m
    items = re.findall(r'<li class="merged-item">(.*?)</li>', m, re.S)
    assert "Napa cabbage kimchi 1 kg: 98 + 5 → <strong>99</strong> " \
        "(capped at 99 per product)" in items
    assert "Gochujang 500 g: 0 + 2 → <strong>2</strong>" in items
    assert lines(page.text) == {KIMCHI: 99, RICE: 1, GOCHUJANG: 2}
    # /session/me tells it too.
    assert 'id="cart-merged"' in g.get("/session/me").text
    # The other browser sees the same stored cart.
    assert lines(other.get("/cart").text) == {KIMCHI: 99, RICE: 1,
                                              GOCHUJANG: 2}
    other.close()
    g.close()


def test_s_s5_empty_guest_cart_merges_nothing(site):
    """S-S5: no guest cart, no merge message."""
    c = Client(site)
    r = c.login("alice", "alice-password", next_="/cart")
    assert r.status_code == 303
    data = json.loads(site.session_row(c.sid)["data"])
    assert "cart_merge" not in data
    assert 'id="cart-merged"' not in c.get("/cart").text


def test_s_s5_user_cart_survives_logout_and_new_browser(site):
    """S-S5: a user's cart is kept in user_carts: logging out leaves it,
    after logout the browser has an empty guest cart, and a new browser
    that logs in sees the stored cart."""
    c = login_user_cart(site, "alice", "alice-password", {DOENJANG: 3})
    data = json.loads(site.session_row(c.sid)["data"])
    assert "cart" not in data                  # not in the session
    assert stored(site, "alice") == {DOENJANG: 3}
    r = c.post("/session/logout", data={"csrf": c.token})
    assert r.status_code == 200
    assert c.sid is None
    r = start_cart(c)
    assert 'id="cart-empty"' in r.text
    assert json.loads(site.session_row(c.sid)["data"]) == {}
    assert stored(site, "alice") == {DOENJANG: 3}
    fresh = Client(site)
    assert fresh.login("alice", "alice-password").status_code == 303
    assert lines(fresh.get("/cart").text) == {DOENJANG: 3}
    # Changes by the logged-in user go to the table.
    start_cart(fresh)
    add(fresh, DOENJANG, 2)
    assert stored(site, "alice") == {DOENJANG: 5}
    r = fresh.post("/cart/remove", data={"product": "3", "qty": "5",
                                         "csrf": fresh.token})
    assert r.status_code == 303
    assert stored(site, "alice") == {}
    fresh.close()
    c.close()


@pytest.mark.parametrize("data,status", [
    ({"product": "1", "qty": "100"}, 400),
    ({"product": "77", "qty": "1"}, 404),
    ({"product": "1", "qty": "0"}, 400),
])
def test_s_s5_user_cart_bad_input_changes_nothing(site, data, status):
    """S-S5: the logged-in cart refuses bad input the same way."""
    c = login_user_cart(site, "alice", "alice-password", {KIMCHI: 1})
    before = site.dump()
    r = c.post("/cart/add", data=dict(data, csrf=c.token))
    assert r.status_code == status
    assert site.dump() == before
    r = c.post("/cart/remove", data={"product": "2", "qty": "1",
                                     "csrf": c.token})
    assert r.status_code == 404
    assert site.dump() == before
    add(c, KIMCHI, 98)
    r = c.post("/cart/add", data={"product": "1", "qty": "1",
                                  "csrf": c.token})
    assert r.status_code == 400
    assert stored(site, "alice") == {KIMCHI: 99}
    c.post("/cart/clear", data={"csrf": c.token})
    c.close()
