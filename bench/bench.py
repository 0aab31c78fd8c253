#!/usr/bin/python3
"""bench.py - `make bench`: load each endpoint with wrk and report it as a
ratio to a trivial FastCGI "hello" served by the same lighttpd in the same
run, on the SQLite store and again on the Redis store, then check that no
FastCGI process grows over 100k requests.

It starts the site (tests/sitectl.py: a real lighttpd on a free port with a
temporary database), prepares 32 logged-in sessions, 32 guest carts and 32
access tokens of each algorithm, then for each endpoint runs a warm-up and
a measured `wrk -t2 -c32 --latency` pass with bench/bench.lua, which
spreads the requests over the sessions, tokens and products and counts
every answer that is not the endpoint's success status. It prints a table
and writes the figures as JSON (build/bench/results.json, or --out).
Nothing here asserts a timing: the targets are printed as met or missed,
for a person to read.

Redis (issue 12 section 7): once the SQLite site is stopped, a second site
is started with store="redis" (its own private redis-server on a unix
socket, every program run with SESSION_STORE=redis), and hello,
session_me, cart_add and api_me_hs256 (/api/me checks the blacklist in
the store) are measured on it the same way. Each of its rows is a ratio
to that site's own hello; "vs sqlite" divides it by the same endpoint's
ratio on the SQLite site (for hello itself: the two runs' req/s, i.e. how
far the machine drifted between them). /session/me on Redis must reach
0.8x hello and be no slower than on SQLite (vs sqlite >= 1.0). The
results go under "results_redis" in the JSON; every row says its
"store". Each site, and the redis-server, is stopped even when a run
fails, and each site's lighttpd log is checked for a dead backend. On
the Redis site cart_add runs once more with the AOF fsynced once a
second (cart_add_everysec): what fsync at every write costs.

The cluster (issue 13 section 5): then a cluster as `make cluster` runs
it (tests/sitectl.py Cluster: HAProxy round robin over two lighttpd
nodes on one Redis, on free loopback ports) is started, and hello,
session_me and /api/me (HS256 and RS256) are measured through HAProxy,
each a ratio to hello through the same front ("results_cluster").
Targets: session_me >= 0.7x, /api/me >= 0.8x. The nodes' logs are
checked for a dead backend too.

POST /cart/add: a cart holds at most CART_QTY_MAX (99) of each of the 12
products, so 32 carts take 32 x 12 x 99 = 38016 adds of qty 1 before an
add would rightly answer 400. The carts are cleared (POST /cart/clear)
after every pass, and the measured time is split into passes short
enough, at the warm-up rate, to use at most 80% of that room; every add
measured answers 303.

Memory, on both sites: the RSS of every FastCGI process is read after the
warm-ups and again once each program has served at least
--memory-requests requests since (the measured passes count; top-up
passes add the rest).
"""
import argparse
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import sitectl  # noqa: E402
from sitectl import Client, csrf_from  # noqa: E402

SESSIONS = 32
TOKEN_SECONDS = 3600          # access tokens outlive the whole run
CART_QTY_MAX = 99             # src/cart.h
CAPACITY_USE = 0.8            # of the carts' room, at most, per pass
P99_MAX_US = 20000
MEMORY_GROWTH_MAX = 10.0      # percent

# ratio to hello each endpoint must reach (every endpoint: 0 non-2xx and
# p99 under 20 ms)
TARGETS = {
    "api_me_hs256": 0.8,
    "api_me_rs256": 0.6,
    "session_me": 0.6,
    "cart_add": 0.3,
}
STORES = ("sqlite", "redis")
# what each store's site measures, in this order (hello first: the others
# are ratios to it)
ENDPOINTS = {
    "sqlite": ("hello", "static", "session_me", "cart_add", "api_me_hs256",
               "api_me_rs256"),
    "redis": ("hello", "session_me", "cart_add", "api_me_hs256"),
}
# on the Redis site: ratio to its hello, and to the SQLite figure
TARGETS_REDIS = {"session_me": 0.8}
VS_SQLITE_MIN = {"session_me": 1.0}
# through HAProxy (make cluster: round robin over two nodes on one Redis,
# tests/sitectl.py Cluster), each a ratio to hello through the same front
CLUSTER_ENDPOINTS = ("hello", "session_me", "api_me_hs256", "api_me_rs256")
TARGETS_CLUSTER = {"session_me": 0.7, "api_me_hs256": 0.8,
                   "api_me_rs256": 0.8}


def wrk(site, path, headers_file, seconds, method="GET", ok=0):
    env = dict(os.environ, BENCH_HEADERS=headers_file or "",
               BENCH_METHOD=method, BENCH_OK=str(ok))
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency",
         "-s", str(ROOT / "bench" / "bench.lua"), site.url(path)],
        env=env, capture_output=True, text=True, timeout=seconds + 30)
    if out.returncode != 0:
        raise SystemExit(f"wrk failed on {path}: {out.stderr}")
    m = re.search(r"^BENCH (\{.*\})$", out.stdout, re.M)
    if not m:
        raise SystemExit(f"no result from wrk on {path}:\n{out.stdout}")
    r = json.loads(m.group(1))
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["seconds"] = seconds
    return r


def write_sets(tmp, name, lines):
    path = Path(tmp) / f"{name}.sets"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def session_clients(site):
    """32 browsers, each logged in as alice with its own session."""
    clients = []
    for _ in range(SESSIONS):
        c = Client(site)
        r = c.login("alice", "alice-password")
        if r.status_code != 303:
            raise SystemExit(f"login failed: {r.status_code}")
        clients.append(c)
    return clients


def cart_guests(site):
    """32 guest browsers, each with a session and its CSRF token."""
    guests = []
    for _ in range(SESSIONS):
        c = Client(site)
        r = c.get("/cart")
        if r.status_code != 200 or not c.sid:
            raise SystemExit(f"GET /cart failed: {r.status_code}")
        guests.append((c, csrf_from(r.text)))
    return guests


def clear_carts(guests):
    for c, tok in guests:
        r = c.post("/cart/clear", data={"csrf": tok})
        if r.status_code != 303:
            raise SystemExit(f"POST /cart/clear failed: {r.status_code}")


def access_tokens(site, alg):
    """32 access tokens for alice signed with alg."""
    out = []
    for _ in range(SESSIONS):
        r = requests.post(site.url("/api/auth/login"), timeout=30, json={
            "username": "alice", "password": "alice-password", "alg": alg})
        if r.status_code != 200:
            raise SystemExit(f"token login failed: {r.status_code} {r.text}")
        out.append(r.json()["access_token"])
    return out


class Endpoint:
    def __init__(self, name, path, program, sets=None, method="GET", ok=0,
                 reset=None, capacity=None):
        self.name, self.path, self.program = name, path, program
        self.sets, self.method, self.ok = sets, method, ok
        self.reset, self.capacity = reset, capacity

    def run(self, site, seconds):
        r = wrk(site, self.path, self.sets, seconds, self.method, self.ok)
        if self.reset:
            self.reset()
        return r

    def seconds_for(self, seconds, rps):
        """seconds, shortened so one pass stays within the capacity."""
        if not self.capacity:
            return seconds
        return max(1, min(seconds,
                          math.floor(CAPACITY_USE * self.capacity / rps)))

    def measure(self, site, seconds, rps):
        """A measured pass of `seconds`; an endpoint with a capacity runs
        it as passes short enough for the capacity, reset in between, and
        reports their sum (p50: the median of the passes' p50, p99: the
        worst pass's p99)."""
        step = self.seconds_for(seconds, rps)
        parts, done = [], 0
        while done < seconds:
            parts.append(self.run(site, min(step, seconds - done)))
            done += parts[-1]["seconds"]
        r = {k: sum(p[k] for p in parts) for k in
             ("requests", "duration_us", "non2xx", "socket_errors",
              "seconds")}
        r["p50_us"] = sorted(p["p50_us"] for p in parts)[len(parts) // 2]
        r["p99_us"] = max(p["p99_us"] for p in parts)
        r["passes"] = len(parts)
        r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
        return r


def endpoints(site, tmp, names):
    """The endpoints called names, in that order, on site, each with the
    sessions, carts or tokens it needs (and only those); also the clients
    to close afterwards."""
    clients = []
    form = "Content-Type: application/x-www-form-urlencoded"

    def session_me():
        sess = session_clients(site)
        clients.extend(sess)
        return Endpoint("session_me", "/session/me", "session",
                        write_sets(tmp, "session_me",
                                   [f"Cookie: sid={c.sid}" for c in sess]))

    def cart_add():
        guests = cart_guests(site)
        clients.extend(c for c, _ in guests)
        products = [row[0] for row in
                    site.query("SELECT id FROM products ORDER BY id")]
        # request k: cart k % 32, product k // 32 (consecutive requests go
        # to different carts)
        lines = [f"Cookie: sid={c.sid}|{form}|@body: product={p}&qty=1"
                 f"&csrf={tok}" for p in products for c, tok in guests]
        return Endpoint("cart_add", "/cart/add", "cart",
                        write_sets(tmp, "cart_add", lines), "POST", 303,
                        reset=lambda: clear_carts(guests),
                        capacity=len(guests) * len(products) * CART_QTY_MAX)

    def api_me(alg):
        name = f"api_me_{alg.lower()}"
        return lambda: Endpoint(
            name, "/api/me", "api",
            write_sets(tmp, name, [f"Authorization: Bearer {t}"
                                   for t in access_tokens(site, alg)]))

    makers = {
        "hello": lambda: Endpoint("hello", "/hello", "hello"),
        "static": lambda: Endpoint("static", "/static/css/site.css", None),
        "session_me": session_me,
        "cart_add": cart_add,
        "api_me_hs256": api_me("HS256"),
        "api_me_rs256": api_me("RS256"),
    }
    return [makers[n]() for n in names], clients


def program_of(pid):
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    for part in cmd:
        m = re.search(rb"([a-z_]+)\.fcgi$", part)
        if m:
            return m.group(1).decode()
    return None


def rss_kb(pid):
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    m = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) if m else None


def snapshot(site):
    return {pid: (program_of(pid), rss_kb(pid)) for pid in site.fcgi_pids()}


def memory_check(site, eps, results, before, target):
    """Top each measured program up to target requests since `before`,
    then compare every process's RSS."""
    served = {}
    for ep in eps:
        if ep.program:
            served[ep.program] = served.get(ep.program, 0) + \
                results[ep.name]["requests"]
    first = {}
    for ep in eps:
        first.setdefault(ep.program, ep)
    for program, ep in first.items():
        if not program:
            continue
        rps = results[ep.name]["rps"]
        while served[program] < target:
            left = target - served[program]
            secs = ep.seconds_for(math.ceil(left / rps) + 1, rps)
            r = ep.run(site, secs)
            if r["non2xx"] or r["socket_errors"]:
                raise SystemExit(f"memory pass on {ep.name}: {r}")
            served[program] += r["requests"]
            print(f"  memory pass {ep.name}: {r['requests']} requests",
                  file=sys.stderr)
    after = snapshot(site)
    rows = []
    for pid, (program, rss0) in sorted(before.items(),
                                       key=lambda kv: (kv[1][0] or "", kv[0])):
        if program not in served:
            continue
        rss1 = after.get(pid, (None, None))[1]
        growth = None if rss1 is None else 100.0 * (rss1 - rss0) / rss0
        rows.append({"program": program, "pid": pid, "rss_before_kb": rss0,
                     "rss_after_kb": rss1, "requests": served[program],
                     "growth_pct": growth})
    return rows


def measure_all(site, eps, args, store=None):
    """Warm each endpoint up, then measure it; also the RSS snapshot taken
    between the two (None for a cluster's front, whose processes are the
    nodes'). store names the rows' store (the site's, by default)."""
    warm, results = {}, {}
    store = store or site.store
    for ep in eps:
        warm[ep.name] = ep.run(site, args.warmup)["rps"]
    before = snapshot(site) if hasattr(site, "fcgi_pids") else None
    for ep in eps:
        r = ep.measure(site, args.seconds, warm[ep.name])
        r.update(path=ep.path, method=ep.method, store=store,
                 success=f"{ep.ok} or 2xx" if ep.ok else "2xx")
        results[ep.name] = r
        print(f"  measured {ep.name} ({store})", file=sys.stderr)
    return results, before


def bench_cluster(args):
    """CLUSTER_ENDPOINTS through the round-robin front of a cluster as
    `make cluster` runs it (HAProxy, two lighttpd nodes, one Redis),
    started and stopped here. Returns (results, the nodes' dead-backend
    log lines)."""
    with sitectl.running_cluster("bench-cluster") as cl, \
            tempfile.TemporaryDirectory() as tmp:
        eps, clients = endpoints(cl.front, tmp, CLUSTER_ENDPOINTS)
        try:
            results, _ = measure_all(cl.front, eps, args,
                                     store="redis via haproxy")
        finally:
            for c in clients:
                c.close()
        crashed = [f"{node}: {ln}" for node, lines in
                   cl.abnormal_log_lines().items() for ln in lines]
    return results, crashed


def stop_site(site):
    """Stop site and, with store="redis", its redis-server, whatever
    state a failed run left them in."""
    try:
        site.stop()
    finally:
        if site.redis_server:
            site.redis_server.stop()


def fsync_row(site, eps, args):
    """cart_add again with Redis's AOF fsynced once a second instead of
    at every write (CONFIG SET appendfsync everysec, then back to
    always): what the durability of "always" costs each acknowledged
    add. Both keep every acknowledged write when Redis itself dies (the
    AOF is written before the answer); everysec may lose the last second
    when the machine does."""
    ep = next(e for e in eps if e.name == "cart_add")
    r = site.redis()
    r.config_set("appendfsync", "everysec")
    try:
        row = ep.measure(site, args.seconds, results_rps(ep, site, args))
    finally:
        r.config_set("appendfsync", "always")
    row.update(path=ep.path, method=ep.method, store=site.store,
               appendfsync="everysec", success=f"{ep.ok} or 2xx")
    print("  measured cart_add_everysec (redis)", file=sys.stderr)
    return {"cart_add_everysec": row}


def results_rps(ep, site, args):
    """A warm-up pass of ep: its rate, which sizes the measured passes."""
    return ep.run(site, args.warmup)["rps"]


def bench_site(store, args):
    """Start a site keeping its state in store, measure its ENDPOINTS and
    check its memory, and stop it (and its redis-server) even on failure.
    Returns (results, memory rows, the log's dead-backend lines)."""
    site = sitectl.Site(name=f"bench-{store}", store=store, extra_env={
        "ACCESS_TOKEN_SECONDS": str(TOKEN_SECONDS)})
    try:
        site.start()
        with tempfile.TemporaryDirectory() as tmp:
            eps, clients = endpoints(site, tmp, ENDPOINTS[store])
            try:
                results, before = measure_all(site, eps, args)
                memory = memory_check(site, eps, results, before,
                                      args.memory_requests)
                if store == "redis":
                    results.update(fsync_row(site, eps, args))
            finally:
                for c in clients:
                    c.close()
        for m in memory:
            m["store"] = store
        crashed = sitectl.abnormal_log_lines(site.log_text())
    finally:
        stop_site(site)
    return results, memory, crashed


# A Redis row measured under another setting, compared with this SQLite row.
BASE_ROW = {"cart_add_everysec": "cart_add"}


def judge(results, targets, sqlite=None, vs_min=None):
    """Set each row's ratio to hello (and, given the SQLite rows, its
    ratio to the same endpoint's there) and whether its targets are met;
    returns how many rows missed."""
    hello = results["hello"]["rps"]
    missed = 0
    for name, r in results.items():
        r["ratio_to_hello"] = r["rps"] / hello
        t = targets.get(name)
        met = (r["non2xx"] == 0 and r["socket_errors"] == 0 and
               r["p99_us"] < P99_MAX_US and
               (t is None or r["ratio_to_hello"] >= t))
        r["target_ratio"] = t
        if sqlite is not None:
            base = sqlite[BASE_ROW.get(name, name)]
            r["rps_ratio_to_sqlite"] = r["rps"] / base["rps"]
            r["ratio_to_sqlite"] = r["rps_ratio_to_sqlite"] if \
                name == "hello" else \
                r["ratio_to_hello"] / base["ratio_to_hello"]
            v = vs_min.get(name)
            r["target_ratio_to_sqlite"] = v
            met = met and (v is None or r["ratio_to_sqlite"] >= v)
        r["target_met"] = met
        missed += not met
    return missed


def print_rows(results, suffix=""):
    for name, r in results.items():
        t, v = r["target_ratio"], r.get("target_ratio_to_sqlite")
        vs = f"{r['ratio_to_sqlite']:>7.2f}" if "ratio_to_sqlite" in r \
            else f"{'':>7}"
        verdict = (f"≥{t}×, " if t else "") + \
            (f"≥{v}× sqlite, " if v else "") + \
            "p99<20ms, 0 non-2xx: " + \
            ("met" if r["target_met"] else "MISSED")
        print(f"{name + suffix:<26} {r['seconds']:>3} {r['rps']:>7.0f} "
              f"{r['p50_us']/1000:>7.2f} {r['p99_us']/1000:>7.2f} "
              f"{r['non2xx'] + r['socket_errors']:>7} "
              f"{r['ratio_to_hello']:>7.2f} {vs}  {verdict}")


def print_memory(memory, args):
    """Print the RSS table; returns how many processes missed."""
    print(f"\nRSS of each FastCGI process before and after "
          f"≥{args.memory_requests} requests to its program "
          f"(target: growth < {MEMORY_GROWTH_MAX:.0f}%)")
    print(f"{'store':<6} {'program':<9} {'pid':>8} {'requests':>9} "
          f"{'RSS before':>11} {'RSS after':>10} {'growth':>7}")
    missed = 0
    for m in memory:
        ok = m["growth_pct"] is not None and \
            m["growth_pct"] < MEMORY_GROWTH_MAX
        missed += not ok
        after = "gone" if m["rss_after_kb"] is None else \
            f"{m['rss_after_kb']} kB"
        growth = "-" if m["growth_pct"] is None else \
            f"{m['growth_pct']:+.1f}%"
        print(f"{m['store']:<6} {m['program']:<9} {m['pid']:>8} "
              f"{m['requests']:>9} {m['rss_before_kb']:>8} kB {after:>10} "
              f"{growth:>7}{'' if ok else '  MISSED'}")
    return missed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--memory-requests", type=int, default=100000)
    ap.add_argument("--out", default=str(ROOT / "build/bench/results.json"))
    args = ap.parse_args()

    runs = {store: bench_site(store, args) for store in STORES}
    results, results_redis = runs["sqlite"][0], runs["redis"][0]
    results_cluster, crashed_cluster = bench_cluster(args)
    memory = [m for store in STORES for m in runs[store][1]]

    missed = judge(results, TARGETS)
    missed += judge(results_redis, TARGETS_REDIS, results, VS_SQLITE_MIN)
    missed += judge(results_cluster, TARGETS_CLUSTER)
    print(f"\nwrk -t2 -c32 (after a {args.warmup}s warm-up each), "
          f"{os.cpu_count()} cores, {platform.node()}")
    print(f"{'endpoint':<26} {'s':>3} {'req/s':>7} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'non-2xx':>7} {'× hello':>7} "
          f"{'× sqlite':>7}  target")
    print_rows(results)
    print_rows(results_redis, " (redis)")
    print_rows(results_cluster, " (haproxy)")
    print("(cart_add: success is 303 See Other, post/redirect/get; "
          f"measured as {results['cart_add'].get('passes', 1)} passes "
          f"(sqlite), {results_redis['cart_add'].get('passes', 1)} (redis) "
          "with the carts cleared between)")
    print("(cart_add_everysec (redis): cart_add again with Redis's AOF "
          "fsynced once a second, not at every write as in every other "
          "Redis row: the price of appendfsync always)")
    print("(haproxy rows: through the round-robin front of a cluster as "
          "make cluster runs it, two nodes on one Redis; × hello is to hello "
          "through the same front)")
    print("(redis rows: × hello is to the Redis site's own hello; × sqlite "
          "is that ratio over the same endpoint's on SQLite; for hello, "
          "its req/s over the SQLite run's)")
    missed += print_memory(memory, args)
    if crashed_cluster:
        missed += 1
        print("\nthe cluster's node logs report a dead backend:\n" +
              "\n".join(crashed_cluster))
    for store in STORES:
        crashed = runs[store][2]
        if crashed:
            missed += 1
            print(f"\nlighttpd log of the {store} site reports a dead "
                  "backend:\n" + "\n".join(crashed))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "wrk": f"-t2 -c32 -d{args.seconds}s, warm-up {args.warmup}s",
        "cores": os.cpu_count(), "targets": TARGETS,
        "targets_redis": TARGETS_REDIS,
        "redis_vs_sqlite_min": VS_SQLITE_MIN,
        "p99_max_us": P99_MAX_US, "results": results,
        "results_redis": results_redis,
        "results_cluster": results_cluster,
        "targets_cluster": TARGETS_CLUSTER,
        "memory_growth_max_pct": MEMORY_GROWTH_MAX, "memory": memory,
        "dead_backend_log_lines": dict(
            {s: runs[s][2] for s in STORES}, cluster=crashed_cluster),
        "missed": missed}, indent=2) + "\n")
    print(f"\n{missed or 'no'} target(s) missed; written to {out}")


if __name__ == "__main__":
    main()
