"""`make cluster` (issue 13; S-X3 scale-out, article A §2-4 and §2-5):
HAProxy in front of two real lighttpd nodes that share one Redis
(sessions) and one SQLite file (user carts), as tools/cluster.sh runs
them, on free loopback ports (sitectl.Cluster):

- a login through the round-robin front is recognised on both nodes;
- the sticky front inserts its own SERVERID cookie and keeps one node;
- every node answer carries X-Node, and `make run` sends none;
- kill -9 of node A (its lighttpd and its programs) under a load of
  logged-in cart adds: at most a few requests fail, HAProxy takes A out
  within a few seconds, every user is still logged in through B, every
  acknowledged add is in the cart, and Redis shows no error;
- Redis restarted under the cluster: the logins survive (AOF);
- the nodes see the visitor's address, not HAProxy's (X-Forwarded-For,
  set by HAProxy only).
"""
import re
import threading
import time

import pytest
import requests

import sitectl
from sitectl import HTTP_TIMEOUT, Client, csrf_from

SERVERID_RE = re.compile(r"^SERVERID=(a|b); path=/; HttpOnly; SameSite=Lax$")


@pytest.fixture(scope="module")
def cluster():
    with sitectl.running_cluster("cluster") as cl:
        yield cl
        assert cl.abnormal_log_lines() == {"a": [], "b": []}


def login(client, username):
    r = client.login(username, f"{username}-password")
    assert r.status_code == 303, r.text[:300]
    assert r.headers["Location"] == "/session/me"


def test_s_x3_login_through_round_robin_is_recognised_on_both_nodes(cluster):
    """S-X3: the login page comes from one node and the login POST goes
    to the other (the CSRF token and the guest session travel through
    Redis); then consecutive requests alternate a, b, a, b, and each node
    knows the user, through the front and asked directly."""
    c = Client(cluster.front)
    page = c.get("/session/login")
    assert page.status_code == 200
    first = page.headers["X-Node"]
    r = c.post("/session/login", data={
        "username": "alice", "password": "alice-password",
        "csrf": csrf_from(page.text)})
    assert r.status_code == 303, r.text[:300]
    assert r.headers["X-Node"] == {"a": "b", "b": "a"}[first]
    nodes = []
    for _ in range(4):
        r = c.get("/session/state")
        assert r.status_code == 200
        assert r.json()["authenticated"] is True
        assert r.json()["user"]["username"] == "alice"
        nodes.append(r.headers["X-Node"])
    assert nodes in (["a", "b", "a", "b"], ["b", "a", "b", "a"]), nodes
    for name, node in cluster.node.items():
        direct = Client(node.endpoint)
        direct.cookies = dict(c.cookies)
        r = direct.get("/session/state")
        assert r.headers["X-Node"] == name
        assert r.json()["authenticated"] is True


def test_s_x3_sticky_front_inserts_its_cookie_and_keeps_one_node(cluster):
    """S-X3: the sticky front's first answer sets HAProxy's own cookie
    (SERVERID=a|b; path=/; HttpOnly; SameSite=Lax); with it every request
    goes to that node, the cookie is not set again, and the node never
    sees it (indirect: /cookies/echo lists only the site's cookies)."""
    c = Client(cluster.sticky)
    r = c.get("/session/state")
    assert r.status_code == 200
    lines = [ln for ln in sitectl.set_cookie_headers(r)
             if ln.startswith("SERVERID=")]
    assert len(lines) == 1, sitectl.set_cookie_headers(r)
    m = SERVERID_RE.match(lines[0])
    assert m, lines[0]
    node = m.group(1)
    assert r.headers["X-Node"] == node
    login(c, "bob")
    for _ in range(6):
        r = c.get("/session/state")
        assert r.headers["X-Node"] == node
        assert r.json()["authenticated"] is True
        assert not [ln for ln in sitectl.set_cookie_headers(r)
                    if ln.startswith("SERVERID=")]
    echo = c.get("/cookies/echo")
    assert echo.headers["X-Node"] == node
    assert "SERVERID" not in echo.json()["cookie_header"]
    assert [p["name"] for p in echo.json()["pairs"]] == ["sid"]
    # The other node's cookie sends the same visitor there, still logged
    # in: the session is in the shared store, not in the node.
    other = {"a": "b", "b": "a"}[node]
    c.cookies["SERVERID"] = other
    r = c.get("/session/state")
    assert r.headers["X-Node"] == other
    assert r.json()["user"]["username"] == "bob"


def test_s_x3_every_node_answer_carries_x_node(cluster, site):
    """S-X3: pages, JSON, static files, 404s and the S-C9 other site (on
    its own front port) all carry X-Node: a or b; a node asked directly
    names itself. `make run` (one process, no SCALE_NODE) sends none."""
    for path in ("/", "/session/state", "/static/css/site.css",
                 "/no/such/page", "/hello"):
        seen = {requests.get(cluster.front.url(path),
                             timeout=HTTP_TIMEOUT).headers.get("X-Node")
                for _ in range(2)}
        assert seen == {"a", "b"}, (path, seen)
    r = requests.get(cluster.other.url("/other/"), timeout=HTTP_TIMEOUT)
    assert r.status_code == 200
    assert r.headers["X-Node"] in ("a", "b")
    r = requests.get(cluster.other.url("/session/state"),
                     timeout=HTTP_TIMEOUT)
    assert r.status_code == 403          # the other site is static only
    for name, node in cluster.node.items():
        r = requests.get(node.endpoint.url("/"), timeout=HTTP_TIMEOUT)
        assert r.headers["X-Node"] == name
    r = requests.get(site.url("/"), timeout=HTTP_TIMEOUT)
    assert r.status_code == 200
    assert "X-Node" not in r.headers


class SourceAddress(requests.adapters.HTTPAdapter):
    """Connect from a chosen loopback address (any 127.x.y.z is ours)."""

    def __init__(self, addr):
        self.addr = addr
        super().__init__()

    def init_poolmanager(self, *args, **kw):
        kw["source_address"] = (self.addr, 0)
        super().init_poolmanager(*args, **kw)


def test_s_x3_s_s7_nodes_see_the_visitors_address_not_haproxys(cluster):
    """S-X3 + S-S7: a visitor on 127.0.0.5 logs in through the front,
    claiming X-Forwarded-For: 203.0.113.9. The node records 127.0.0.5 (what
    HAProxy saw) as the device's address, on both nodes: HAProxy dropped
    the claim and named the real client, and the node trusts only
    HAProxy's word. Straight to a node the header is not needed: that
    client is 127.0.0.1."""
    c = Client(cluster.front)
    c.http.mount("http://", SourceAddress("127.0.0.5"))
    spoof = {"X-Forwarded-For": "203.0.113.9"}
    page = c.get("/session/login", headers=spoof)
    r = c.post("/session/login", headers=spoof, data={
        "username": "bob", "password": "bob-password",
        "csrf": csrf_from(page.text)})
    assert r.status_code == 303, r.text[:300]
    seen = set()
    for _ in range(2):
        r = c.get("/session/devices", headers=spoof)
        assert r.status_code == 200
        seen.add(r.headers["X-Node"])
        this = re.findall(r'<tr data-session="[0-9a-f]{8}" class="current">'
                          r'.*?<code class="addr">([^<]*)</code>', r.text,
                          re.S)
        assert this == ["127.0.0.5"], this
    assert seen == {"a", "b"}


def test_s_x3_redis_restarted_under_the_cluster_keeps_the_logins(cluster):
    """S-X3/S-S10: Redis stopped and started again (its AOF, appendfsync
    always) under both running nodes: while it is down a logged-in page
    is a 503 from the node, not from HAProxy (the health check does not
    need the store); once it is back both nodes know the same users again
    without a restart."""
    users = {}
    for name in ("alice", "bob", "admin"):
        c = Client(cluster.front)
        login(c, name)
        users[name] = c
    cluster.redis_server.stop()
    r = users["alice"].get("/session/me")
    assert r.status_code == 503
    assert r.headers["X-Node"] in ("a", "b")
    cluster.redis_server.start()
    for name, c in users.items():
        seen = set()
        for _ in range(4):
            r = c.get("/session/state")
            assert r.status_code == 200
            assert r.json()["authenticated"] is True
            assert r.json()["user"]["username"] == name
            seen.add(r.headers["X-Node"])
        assert seen == {"a", "b"}


# ---- kill -9 of node A under load -------------------------------------------
USERS = ("alice", "bob", "admin")
CLIENTS_PER_USER = 2
PRODUCTS_PER_CLIENT = 6
LOAD_SECONDS = 6.0
KILL_AT = 2.0
MAX_FAILED = len(USERS) * CLIENTS_PER_USER   # one in flight per client


class Shopper(threading.Thread):
    """One logged-in visitor adding to the cart through the round-robin
    front until told to stop: every add's product and answer, and a GET
    of /cart/state after every third add. The two visitors of one account
    (slot 0 and 1) add different products (1-6, 7-12 of the 12), so each
    line of the account's cart counts one visitor's adds."""

    def __init__(self, cluster, username, slot, stop):
        super().__init__(daemon=True)
        self.client = Client(cluster.front)
        self.username = username
        self.products = [1 + slot * PRODUCTS_PER_CLIENT + i
                         for i in range(PRODUCTS_PER_CLIENT)]
        self.stop_event = stop
        self.adds = []          # (product, status or None, monotonic)
        self.gets = []          # (status or None, monotonic)
        login(self.client, username)
        page = self.client.get("/cart")
        assert page.status_code == 200
        self.csrf = csrf_from(page.text)

    def run(self):
        i = 0
        while not self.stop_event.is_set():
            p = self.products[i % len(self.products)]
            try:
                r = self.client.post("/cart/add", data={
                    "product": str(p), "qty": "1", "csrf": self.csrf})
                status = r.status_code
            except requests.RequestException:
                status = None
            self.adds.append((p, status, time.monotonic()))
            if i % 3 == 2:
                try:
                    status = self.client.get("/cart/state").status_code
                except requests.RequestException:
                    status = None
                self.gets.append((status, time.monotonic()))
            i += 1
            time.sleep(0.02)


def test_s_x3_kill_9_of_node_a_under_load_loses_no_login_and_no_add():
    """S-X3: six logged-in visitors (two per account) add to their carts
    through the round-robin front; after 2 s node A's lighttpd and every
    one of its programs get kill -9. At most one request per visitor (the
    one in flight on A) fails; a GET in flight is sent again to B by
    HAProxy; HAProxy's health checks take A out within 3 s; afterwards
    every visitor is still logged in, through B; every add that was
    answered 303 is in the user's cart (an add that was cut off may or
    may not be); and Redis shows no rejected connection and no error
    reply."""
    with sitectl.running_cluster("cluster-kill") as cl:
        stop = threading.Event()
        shoppers = [Shopper(cl, u, slot, stop) for u in USERS
                    for slot in range(CLIENTS_PER_USER)]
        for s in shoppers:
            s.start()
        time.sleep(KILL_AT)
        killed_at = time.monotonic()
        killed = cl.node["a"].kill9()
        assert len(killed) > 10            # lighttpd and its programs
        took = cl.wait_node_down("a", timeout=5)
        time.sleep(max(0.0, LOAD_SECONDS - KILL_AT - took))
        stop.set()
        for s in shoppers:
            s.join(timeout=HTTP_TIMEOUT + 5)
            assert not s.is_alive()
        assert took < 3, took

        adds = [a for s in shoppers for a in s.adds]
        failed = [a for a in adds if a[1] != 303]
        assert len(adds) > 100, len(adds)
        assert all(t >= killed_at for _p, _st, t in failed), failed
        assert len(failed) <= MAX_FAILED, failed
        assert all(st in (502, None) for _p, st, _t in failed), failed
        get_failed = [g for s in shoppers for g in s.gets if g[0] != 200]
        assert len(get_failed) <= 1, get_failed
        assert cl.node["a"].fcgi_pids() == []

        for s in shoppers:
            for _ in range(2):
                r = s.client.get("/session/state")
                assert r.status_code == 200
                assert r.headers["X-Node"] == "b"
                assert r.json()["authenticated"] is True
                assert r.json()["user"]["username"] == s.username
        for user in USERS:
            mine = [s for s in shoppers if s.username == user]
            r = mine[0].client.get("/cart/state")
            assert r.status_code == 200 and r.headers["X-Node"] == "b"
            state = r.json()
            assert state["owner"] == "user"
            qty = {i["product_id"]: i["qty"] for i in state["items"]}
            for s in mine:
                for p in s.products:
                    acked = sum(1 for q, st, _t in s.adds
                                if q == p and st == 303)
                    tried = sum(1 for q, _st, _t in s.adds if q == p)
                    assert acked <= qty.get(p, 0) <= tried, (user, p)

        r = cl.redis()
        assert r.info("stats")["rejected_connections"] == 0
        assert r.info("errorstats") == {}
        assert r.info("stats")["total_error_replies"] == 0
        assert cl.abnormal_log_lines()["b"] == []
        for s in shoppers:
            s.client.close()
