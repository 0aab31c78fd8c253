"""S-S5 guest cart: kept in the server session, add/remove/clear with
quantities 1-99, the `sort` preference cookie, and hostile input that gets a
4xx and changes nothing."""
import json
import re

import pytest

import sitectl
from sitectl import Client, csrf_from, main_part, one_sid_cookie

STORES = sitectl.STORES     # on SQLite and on Redis (issue 12)

# Product ids of db/migrations/003_sessions.sql.
DOENJANG, GOCHUJANG, KIMCHI, RICE, MAKGEOLLI = 3, 2, 1, 8, 11


def cart_of(site, client):
    """The guest cart as stored in the session row."""
    row = site.session_row(client.sid)
    return json.loads(row["data"]).get("cart", {})


def lines(html):
    """{product id: qty} of the cart table on /cart."""
    return {int(p): int(q) for p, q in re.findall(
        r'<tr data-product="(\d+)">.*?<td class="num qty">(\d+)</td>',
        main_part(html), re.S)}


@pytest.fixture
def guest(site):
    c = Client(site)
    r = c.get("/cart")
    assert r.status_code == 200
    c.token = csrf_from(r.text)
    yield c
    c.close()


def add(c, product, qty, **kw):
    return c.post("/cart/add", data={"product": str(product), "qty": str(qty),
                                     "csrf": c.token}, **kw)


def test_s_s5_cart_page_creates_guest_session_and_only_sid_cookie(site):
    """S-S5: /cart gives a guest a session; the browser gets only the ID."""
    c = Client(site)
    r = c.get("/cart")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == sitectl.HTML_TYPE
    one_sid_cookie(r)
    assert "S-S5" in r.text
    assert 'id="cart-empty"' in r.text
    # The explanation in the page's one language (issue 14), and the wire
    # view.
    assert '<p lang="en">' in main_part(r.text)
    assert 'lang="ko"' not in main_part(r.text)
    assert 'class="wire"' in r.text
    row = site.session_row(c.sid)
    assert row["user_id"] is None


def test_s_s5_add_keeps_cart_in_session_data(site, guest):
    """S-S5: add is a 303 back to /cart; the cart is in the session data,
    and no cookie but sid is ever sent."""
    r = add(guest, DOENJANG, 2)
    assert r.status_code == 303
    assert r.headers["Location"] == "/cart"
    assert sitectl.set_cookie_headers(r) == []
    assert add(guest, DOENJANG, 3).status_code == 303
    assert add(guest, RICE, 1).status_code == 303
    assert cart_of(site, guest) == {"3": 5, "8": 1}
    assert list(guest.cookies) == ["sid"]
    page = guest.get("/cart")
    assert lines(page.text) == {DOENJANG: 5, RICE: 1}
    # 5 x 7,900 + 32,000
    assert 'id="cart-total">₩71,500<' in page.text
    # The wire view shows the stored cart.
    assert "&quot;cart&quot;" in page.text or '"cart"' in page.text


def test_s_s5_remove_and_clear(site, guest):
    """S-S5: remove takes qty away (the line goes at 0); clear empties."""
    add(guest, KIMCHI, 4)
    add(guest, GOCHUJANG, 2)
    r = guest.post("/cart/remove", data={"product": "1", "qty": "1",
                                         "csrf": guest.token})
    assert r.status_code == 303 and r.headers["Location"] == "/cart"
    assert cart_of(site, guest) == {"1": 3, "2": 2}
    guest.post("/cart/remove", data={"product": "1", "qty": "99",
                                     "csrf": guest.token})
    assert cart_of(site, guest) == {"2": 2}
    r = guest.post("/cart/clear", data={"csrf": guest.token})
    assert r.status_code == 303
    assert cart_of(site, guest) == {}
    assert 'id="cart-empty"' in guest.get("/cart").text


def test_s_s5_quantity_capped_at_99(site, guest):
    """S-S5: 99 of one product at most; going past is 400, nothing changes."""
    assert add(guest, MAKGEOLLI, 99).status_code == 303
    before = site.dump()
    r = add(guest, MAKGEOLLI, 1)
    assert r.status_code == 400
    assert "99" in r.text
    assert site.dump() == before
    assert cart_of(site, guest) == {"11": 99}


@pytest.mark.parametrize("qty", ["0", "100", "-1", "1.5", "abc", "", "01",
                                 " 1", "+1", "1e1", "99999999999999999999",
                                 "１"])
def test_s_s5_bad_quantity_is_400_and_changes_nothing(site, guest, qty):
    """S-S5: qty must be 1-99 in plain digits."""
    add(guest, KIMCHI, 1)
    before = site.dump()
    for path in ("/cart/add", "/cart/remove"):
        r = guest.post(path, data={"product": "1", "qty": qty,
                                   "csrf": guest.token})
        assert r.status_code == 400, (path, qty)
        assert "qty" in sitectl.error_callout(r.text) or \
            "1 to 99" in r.text
    assert site.dump() == before


@pytest.mark.parametrize("product,status", [
    ("999", 404), ("13", 404), ("0", 400), ("-1", 400), ("abc", 400),
    ("", 400), ("1 OR 1=1", 400), ("1234567890", 400), ("03", 400)])
def test_s_s5_unknown_or_bad_product(site, guest, product, status):
    """S-S5: an unknown product is 404, a malformed one 400; no change."""
    before = site.dump()
    r = guest.post("/cart/add", data={"product": product, "qty": "1",
                                      "csrf": guest.token})
    assert r.status_code == status
    assert site.dump() == before


def test_s_s5_remove_missing_line_is_404(site, guest):
    """S-S5: removing what is not in the cart changes nothing."""
    before = site.dump()
    r = guest.post("/cart/remove", data={"product": "5", "qty": "1",
                                         "csrf": guest.token})
    assert r.status_code == 404
    assert site.dump() == before


@pytest.mark.parametrize("data", [
    {"qty": "1"}, {"product": "1"}, {},
    {"product": "1", "qty": "1", "extra": "x"},
])
def test_s_s5_missing_or_extra_fields(site, guest, data):
    """S-S5: every field is required, unknown fields are refused."""
    before = site.dump()
    data = dict(data, csrf=guest.token)
    r = guest.post("/cart/add", data=data)
    assert r.status_code == 400
    assert site.dump() == before


@pytest.mark.parametrize("path", ["/cart/add", "/cart/remove", "/cart/clear",
                                  "/cart/race/add", "/cart/race/reset"])
def test_s_s5_csrf_required(site, guest, path):
    """S-S5: every POST needs the session's CSRF token."""
    add(guest, KIMCHI, 2)
    before = site.dump()
    fields = {"/cart/add": {"product": "1", "qty": "1"},
              "/cart/remove": {"product": "1", "qty": "1"},
              "/cart/race/add": {"mode": "safe"}}
    for token in (None, "x" * 43):
        data = dict(fields.get(path, {}))
        if token:
            data["csrf"] = token
        r = guest.post(path, data=data)
        assert r.status_code == 403, (path, token)
    assert site.dump() == before


def test_s_s5_get_on_post_route_is_405(guest):
    r = guest.get("/cart/add")
    assert r.status_code == 405
    assert r.headers["Allow"] == "POST"


def catalogue(html):
    return re.findall(r'<tr data-sku="([a-z-]+)">', html)


BY_NAME_EN = ["honey", "barley-tea", "doenjang", "makgeolli", "gochujang",
              "kimchi", "rice", "ramyeon", "tteok", "laver", "sesame-oil",
              "yuja-tea"]
BY_NAME_KO = ["gochujang", "doenjang", "tteok", "ramyeon", "kimchi",
              "barley-tea", "makgeolli", "honey", "yuja-tea", "laver",
              "sesame-oil", "rice"]
BY_PRICE = ["makgeolli", "barley-tea", "ramyeon", "tteok", "laver",
            "doenjang", "gochujang", "sesame-oil", "kimchi", "yuja-tea",
            "honey", "rice"]


def test_s_s5_sort_cookie(site, new_client):
    """S-S5: the `sort` cookie orders the catalogue; only name, price-asc and
    price-desc count; anything else falls back to name order."""
    c = new_client()
    assert catalogue(c.get("/cart").text) == BY_NAME_EN
    c.cookies["sort"] = "price-asc"
    assert catalogue(c.get("/cart").text) == BY_PRICE
    c.cookies["sort"] = "price-desc"
    assert catalogue(c.get("/cart").text) == BY_PRICE[::-1]
    c.cookies["sort"] = "name"
    assert catalogue(c.get("/cart").text) == BY_NAME_EN
    for hostile in ("price", "PRICE-ASC", "price_asc", "%00", "name,price-asc",
                    "<script>"):
        c.cookies["sort"] = hostile
        r = c.get("/cart")
        assert r.status_code == 200
        assert catalogue(r.text) == BY_NAME_EN
        assert "<code>name</code>" in r.text
        assert "<script>" not in main_part(r.text)


def test_s_s5_sort_by_name_in_page_language(new_client):
    """S-S5: name order follows the page language (Korean 가나다 order)."""
    ko = new_client(accept_language="ko")
    assert catalogue(ko.get("/cart").text) == BY_NAME_KO


@pytest.mark.parametrize("path", ["/cart/clear", "/cart/race/reset"])
def test_s_s5_field_less_forms_refuse_fields(site, guest, path):
    """S-S5: forms without fields refuse any field (400, no change)."""
    add(guest, KIMCHI, 1)
    before = site.dump()
    r = guest.post(path, data={"csrf": guest.token, "product": "1"})
    assert r.status_code == 400
    r = guest.post(path + "?all=1", data={"csrf": guest.token})
    assert r.status_code == 400
    assert site.dump() == before
