#!/usr/bin/python3
"""bench.py - `make bench`: load each endpoint with wrk and report it as a
ratio to a trivial FastCGI "hello" served by the same lighttpd in the same
run.

It starts the site (tests/sitectl.py: a real lighttpd on a free port with a
temporary database), prepares 32 logged-in sessions, then for each endpoint
runs a warm-up and a measured `wrk -t2 -c32 --latency` pass with
bench/bench.lua, which spreads the requests over the sessions and counts
every non-2xx answer. It prints a table and writes the figures as JSON
(build/bench/results.json, or --out). Nothing here asserts a timing: the
targets are printed as met or missed, for a person to read.
"""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import sitectl  # noqa: E402
from sitectl import Client, csrf_from  # noqa: E402

SESSIONS = 32

# name -> (target ratio to hello or None, description)
TARGETS = {
    "session_me": 0.6,
}


def wrk(site, path, headers_file, seconds, method="GET", body=""):
    env = dict(os.environ, BENCH_HEADERS=headers_file or "",
               BENCH_METHOD=method, BENCH_BODY=body)
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
    return r


def write_headers(tmp, name, lines):
    path = Path(tmp) / f"{name}.headers"
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


def endpoints(site, tmp):
    """(name, path, method, body, headers file) for every endpoint."""
    clients = session_clients(site)
    cookie_lines = [f"Cookie: sid={c.sid}" for c in clients]
    yield "hello", "/hello", "GET", "", None
    yield "static", "/static/css/site.css", "GET", "", None
    yield ("session_me", "/session/me", "GET", "",
           write_headers(tmp, "session_me", cookie_lines))
    for c in clients:
        c.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "build/bench/results.json"))
    args = ap.parse_args()

    site = sitectl.Site().start()
    results = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, path, method, body, hfile in endpoints(site, tmp):
                wrk(site, path, hfile, args.warmup, method, body)
                results[name] = wrk(site, path, hfile, args.seconds,
                                    method, body)
                results[name]["path"] = path
                results[name]["method"] = method
                print(f"  measured {name}", file=sys.stderr)
    finally:
        site.stop()

    hello = results["hello"]["rps"]
    print(f"\nwrk -t2 -c32 -d{args.seconds}s (after a {args.warmup}s "
          f"warm-up), {os.cpu_count()} cores, {platform.node()}")
    print(f"{'endpoint':<14} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'non-2xx':>8} {'× hello':>8}  target")
    for name, r in results.items():
        r["ratio_to_hello"] = r["rps"] / hello
        t = TARGETS.get(name)
        verdict = ""
        if t is not None:
            met = (r["ratio_to_hello"] >= t and r["non2xx"] == 0 and
                   r["p99_us"] < 20000)
            verdict = f"≥{t}×, p99<20ms, 0 non-2xx: " + \
                ("met" if met else "MISSED")
        print(f"{name:<14} {r['rps']:>9.0f} {r['p50_us']/1000:>8.2f} "
              f"{r['p99_us']/1000:>8.2f} {r['non2xx']:>8} "
              f"{r['ratio_to_hello']:>8.2f}  {verdict}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "wrk": f"-t2 -c32 -d{args.seconds}s, warm-up {args.warmup}s",
        "cores": os.cpu_count(), "results": results}, indent=2) + "\n")
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
