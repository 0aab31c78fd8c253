"""S-X3 /lab/scale on the real front (`make cluster`, issue 13 §2):
HAProxy (tools/haproxy.cfg) in front of two lighttpd nodes sharing one
Redis, on free ports (sitectl.Cluster). The four setups the page runs,
over HTTP, with the exact X-Node of every answer:

- ⓐ node memory behind round robin: the login is found only on the node
  that took it, so every other call loses it;
- ⓑ node memory behind sticky (/sticky/ on the round-robin front, HAProxy's
  SERVERID cookie): all six calls on one node, found each time, 6/0;
- ⓒ the site's session in Redis behind round robin: recognised on both;
- ⓓ an RS256 JWT behind round robin: valid on both (the key alone);

then kill -9 of node A: the node-memory logins that lived on A are lost
(B answers everything and never had them), the Redis session and the JWT
carry on through B. And `tools/cluster.sh kill-node`, the page's command,
on stand-in processes."""
import os
import re
import signal
import subprocess
import time

import pytest
import requests

import sitectl
from sitectl import HTTP_TIMEOUT, SITE_ROOT, Client, csrf_from, set_cookie_headers

SERVERID_RE = re.compile(r"^SERVERID=(a|b); path=/; HttpOnly; SameSite=Lax$")
STICKY_SID_RE = re.compile(
    r"^scale_sid=[A-Za-z0-9_-]{43}; Max-Age=1800; Path=/sticky/lab/scale; "
    r"HttpOnly; SameSite=Lax$")
OTHER = {"a": "b", "b": "a"}


@pytest.fixture(scope="module")
def cluster():
    with sitectl.running_cluster("scale-cluster") as cl:
        yield cl
        assert cl.abnormal_log_lines() == {"a": [], "b": []}


def steer(cl, prefix, want):
    """Make the next request of the backend behind prefix ("" round
    robin, "/sticky" sticky) go to node want: cookie-less GETs until the
    last answer came from the other node (HAProxy's round robin
    alternates strictly)."""
    for _ in range(3):
        r = requests.get(cl.front.url(prefix + "/hello"), timeout=HTTP_TIMEOUT)
        assert r.status_code == 200
        if r.headers["X-Node"] == OTHER[want]:
            return
    raise AssertionError("round robin did not alternate")


def page_csrf(c):
    r = c.get("/lab/scale")
    assert r.status_code == 200, r.text[:300]
    assert "X-Node" in r.headers
    return csrf_from(r.text)


def node_memory_login(cl, prefix, want=None):
    """Setup ⓐ (prefix "") or ⓑ (prefix "/sticky"): the page, then the
    node-memory login with reply=json (on node want, when given); returns
    (client, node)."""
    c = Client(cl.front)
    tok = page_csrf(c)
    if want:
        steer(cl, prefix, want)
    r = c.post(prefix + "/lab/scale/a/login",
               data={"username": "alice", "password": "alice-password",
                     "csrf": tok, "reply": "json"},
               headers={"Origin": cl.front.origin})
    assert r.status_code == 200, r.text[:300]
    d = r.json()
    assert d["node_local"]["created"] is True
    assert d["node_local"]["user"] == "alice"
    return c, r.headers["X-Node"]


def calls(c, path, headers=None):
    """Six GETs of path: [(X-Node, JSON)]."""
    out = []
    for _ in range(6):
        r = c.get(path, headers=headers)
        assert r.status_code == 200, r.text[:300]
        out.append((r.headers["X-Node"], r.json()))
    return out


def redis_login(cl):
    c = Client(cl.front)
    r = c.login("alice", "alice-password")
    assert r.status_code == 303, r.text[:300]
    return c


def jwt_login(cl):
    r = requests.post(cl.front.url("/api/auth/login"),
                      json={"username": "alice", "password": "alice-password",
                            "alg": "RS256"},
                      headers={"Origin": cl.front.origin},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text[:300]
    return {"Authorization": "Bearer " + r.json()["access_token"]}


def test_s_x3_sticky_prefix_reaches_one_node_and_sets_serverid(cluster):
    """S-X3: /sticky/<path> on the round-robin front is <path> on the
    sticky backend: the first answer sets SERVERID (path=/, HttpOnly),
    the node-local cookie is scoped below /sticky, and every later call
    goes to the same node, which never sees the prefix (it answers
    /lab/scale/a/me, not a 404). /sticky/gw/ does not skip the gateway."""
    c = Client(cluster.front)
    r = c.get("/sticky/lab/scale/a/me")
    assert r.status_code == 200, r.text[:300]
    first = r.headers["X-Node"]
    sid = [ln for ln in set_cookie_headers(r) if ln.startswith("SERVERID=")]
    assert len(sid) == 1 and SERVERID_RE.match(sid[0]), sid
    assert SERVERID_RE.match(sid[0]).group(1) == first
    for _ in range(5):
        r = c.get("/sticky/lab/scale/a/me")
        assert r.headers["X-Node"] == first
        assert not [ln for ln in set_cookie_headers(r)
                    if ln.startswith("SERVERID=")]
    # The prefix is removed for any path, not only the lab's.
    r = c.get("/sticky/session/state")
    assert r.status_code == 200 and r.headers["X-Node"] == first
    # The login's cookies: scale_sid and scale_node below /sticky.
    tok = page_csrf(c)
    r = c.post("/sticky/lab/scale/a/login",
               data={"username": "alice", "password": "alice-password",
                     "csrf": tok, "reply": "json"},
               headers={"Origin": cluster.front.origin})
    assert r.status_code == 200 and r.headers["X-Node"] == first
    lines = set_cookie_headers(r)
    assert [ln for ln in lines if STICKY_SID_RE.match(ln)], lines
    assert ("scale_node=%s; Max-Age=1800; Path=/sticky/lab/scale; "
            "SameSite=Lax" % r.json()["node"]) in lines
    # Without reply=json the login is still the 303 of make run.
    r = c.post("/sticky/lab/scale/a/login",
               data={"username": "alice", "password": "alice-password",
                     "csrf": tok}, headers={"Origin": cluster.front.origin})
    assert r.status_code == 303 and r.headers["Location"] == "/lab/scale"
    r = requests.get(cluster.front.url("/sticky/gw/api/me"),
                     timeout=HTTP_TIMEOUT)
    assert r.status_code == 404
    assert "X-Gateway-Refused" not in r.headers


def test_s_x3_four_setups_on_the_real_front(cluster):
    """S-X3: ⓐ round robin alternates and the node-memory login is found
    only on the node that took it; ⓑ sticky keeps all six on that node
    (6/0), found each time; ⓒ /session/state is authenticated on both
    nodes; ⓓ the JWT is valid on both."""
    c, took = node_memory_login(cluster, "")
    got = calls(c, "/lab/scale/a/me")
    assert [n for n, _ in got] == [OTHER[took], took] * 3
    assert [d["node_local"]["found"] for _, d in got] == [False, True] * 3
    assert all(d["node_local"]["user"] == "alice"
               for n, d in got if n == took)

    c, took = node_memory_login(cluster, "/sticky")
    got = calls(c, "/sticky/lab/scale/a/me")
    assert [n for n, _ in got] == [took] * 6
    assert all(d["node_local"]["found"] for _, d in got)

    c = redis_login(cluster)
    got = calls(c, "/session/state")
    nodes = [n for n, _ in got]
    assert nodes in (["a", "b"] * 3, ["b", "a"] * 3), nodes
    assert all(d["authenticated"] is True and
               d["user"]["username"] == "alice" for _, d in got)

    bearer = jwt_login(cluster)
    got = calls(Client(cluster.front), "/lab/scale/a/me", headers=bearer)
    nodes = [n for n, _ in got]
    assert nodes in (["a", "b"] * 3, ["b", "a"] * 3), nodes
    assert all(d["jwt"]["valid"] is True and d["jwt"]["user"] == "Alice"
               for _, d in got)


def test_s_x3_what_a_dying_node_loses():
    """S-X3: both node-memory logins made on node A (the round-robin and
    the sticky one), a Redis session and a JWT; then kill -9 of node A
    (its lighttpd and programs) and HAProxy takes it out. Every call is
    answered by B: the node-memory logins are lost, the Redis session and
    the JWT are still recognised."""
    with sitectl.running_cluster("scale-kill") as cl:
        rr, took = node_memory_login(cl, "", want="a")
        assert took == "a"
        sticky, took = node_memory_login(cl, "/sticky", want="a")
        assert took == "a"
        assert [d["node_local"]["found"]
                for _, d in calls(sticky, "/sticky/lab/scale/a/me")] == \
            [True] * 6
        redis = redis_login(cl)
        bearer = jwt_login(cl)

        killed = cl.node["a"].kill9()
        assert len(killed) > 10           # lighttpd and its programs
        cl.wait_node_down("a", timeout=5)
        # The sticky backend's checks take A out too.
        deadline = time.monotonic() + 5
        while "Server nodes_sticky/a is DOWN" not in cl.haproxy_text():
            assert time.monotonic() < deadline, cl.haproxy_text()[-2000:]
            time.sleep(0.05)

        got = calls(rr, "/lab/scale/a/me")
        assert [n for n, _ in got] == ["b"] * 6
        assert [d["node_local"]["found"] for _, d in got] == [False] * 6
        got = calls(sticky, "/sticky/lab/scale/a/me")
        assert [n for n, _ in got] == ["b"] * 6
        assert [d["node_local"]["found"] for _, d in got] == [False] * 6
        got = calls(redis, "/session/state")
        assert [n for n, _ in got] == ["b"] * 6
        assert all(d["authenticated"] is True for _, d in got)
        got = calls(Client(cl.front), "/lab/scale/a/me", headers=bearer)
        assert [n for n, _ in got] == ["b"] * 6
        assert all(d["jwt"]["valid"] is True for _, d in got)


def test_s_x3_cluster_sh_kill_node_kills_that_node_only(tmp_path):
    """S-X3: `PORT=P tools/cluster.sh kill-node a` (the page's command)
    kill -9s every process whose environment holds RUN_DIR=run/P+2
    exactly, prints each PID, leaves node b's (run/P+3) and a longer
    RUN_DIR alone, exits 1 when nothing of the node runs and 2 for a
    name that is not a node."""
    port = 40000
    run = tmp_path / "run"

    def spawn(d):
        env = dict(os.environ, RUN_DIR=str(run / d))
        return subprocess.Popen(["sleep", "60"], env=env,
                                stdin=subprocess.DEVNULL)

    a1, a2 = spawn(str(port + 2)), spawn(str(port + 2))
    b, longer = spawn(str(port + 3)), spawn(str(port + 2) + "0")
    try:
        time.sleep(0.2)
        env = dict(os.environ, SITE_ROOT=str(tmp_path), PORT=str(port))
        script = str(SITE_ROOT / "tools" / "cluster.sh")
        r = subprocess.run(["sh", script, "kill-node", "a"], env=env,
                           capture_output=True, text=True, timeout=20)
        assert r.returncode == 0, r.stderr
        assert f"kill -9 of node a (RUN_DIR={run}/{port + 2})" in r.stdout
        for p in (a1, a2):
            assert f"  {p.pid}  sleep 60" in r.stdout
            assert p.wait(timeout=5) == -signal.SIGKILL
        assert str(b.pid) not in r.stdout
        assert str(longer.pid) not in r.stdout
        assert b.poll() is None and longer.poll() is None
        r = subprocess.run(["sh", script, "kill-node", "a"], env=env,
                           capture_output=True, text=True, timeout=20)
        assert r.returncode == 1
        assert "nothing of node a is running" in r.stderr
        r = subprocess.run(["sh", script, "kill-node", "c"], env=env,
                           capture_output=True, text=True, timeout=20)
        assert r.returncode == 2
        assert "kill-node a|b" in r.stderr
    finally:
        for p in (a1, a2, b, longer):
            if p.poll() is None:
                p.kill()
            p.wait(timeout=5)
