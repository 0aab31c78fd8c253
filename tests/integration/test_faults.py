"""Faults, bounded in time and count: a FastCGI worker killed with SIGKILL
in the middle of a load, and a full server restart. After each, the
database passes PRAGMA integrity_check and every login that was answered
with a 303 is still a working session (S-S1, S-S2: the server keeps what it
said it kept)."""
import os
import signal
import threading
import time
from pathlib import Path

import pytest
import requests

import sitectl
from sitectl import Client

LOAD_SECONDS = 4
WORKERS = 4


@pytest.fixture
def fault_site():
    """A private instance: this test kills its programs on purpose, so the
    shared fixtures' "no backend died" log check does not apply."""
    s = sitectl.Site(name="faults").start()
    yield s
    s.stop()


def session_pids(site):
    return [p for p in site.fcgi_pids()
            if b"session.fcgi" in sitectl._read(Path(f"/proc/{p}/cmdline"))]


def integrity(site):
    return site.query("PRAGMA integrity_check")[0][0]


def test_s_s2_killed_worker_loses_no_answered_login(fault_site):
    """S-S2: kill -9 one session worker while logins and page views run.
    lighttpd starts a new one; every login answered 303 still works."""
    site = fault_site
    answered = []          # sids whose login got a 303
    lock = threading.Lock()
    stop = time.monotonic() + LOAD_SECONDS

    def load():
        while time.monotonic() < stop:
            c = Client(site)
            try:
                r = c.login("alice", "alice-password")
                if r.status_code == 303:
                    with lock:
                        answered.append(c.sid)
                for _ in range(5):
                    c.get("/session/me")
            except requests.RequestException:
                pass       # the killed worker's requests may fail
            finally:
                c.close()

    threads = [threading.Thread(target=load) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    time.sleep(LOAD_SECONDS / 2)
    victims = session_pids(site)
    assert victims, "no session worker to kill"
    os.kill(victims[0], signal.SIGKILL)
    for t in threads:
        t.join(timeout=LOAD_SECONDS + 30)
    assert not any(t.is_alive() for t in threads)

    assert integrity(site) == "ok"
    assert len(answered) >= WORKERS, answered
    # lighttpd replaced the worker, and the site answers again.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if len(session_pids(site)) >= 2 and \
                victims[0] not in session_pids(site):
            break
        time.sleep(0.2)
    assert victims[0] not in session_pids(site)
    c = Client(site)
    assert c.get("/session/login").status_code == 200
    c.close()
    for sid in answered:
        r = requests.get(site.url("/session/state"),
                         headers={"Cookie": f"sid={sid}"}, timeout=10)
        assert r.status_code == 200
        assert r.json()["authenticated"] is True, sid
        assert site.session_row(sid) is not None


def test_s_s2_restart_keeps_users_logged_in(fault_site):
    """S-S2/S-S9: restart lighttpd and every program; a plain and a
    remembered login both still work with the same cookies."""
    site = fault_site
    plain, kept = Client(site), Client(site)
    assert plain.login("alice", "alice-password").status_code == 303
    assert kept.login("bob", "bob-password", remember="1").status_code == 303
    before = {c.sid: site.session_row(c.sid) for c in (plain, kept)}
    old_pids = set(site.fcgi_pids())

    site.restart()

    assert not old_pids & set(site.fcgi_pids())
    assert integrity(site) == "ok"
    for c, who in ((plain, "alice"), (kept, "bob")):
        st = requests.get(site.url("/session/state"),
                          headers={"Cookie": f"sid={c.sid}"},
                          timeout=10).json()
        assert st["authenticated"] is True
        assert st["user"]["username"] == who
        assert site.session_row(c.sid) is not None
    assert set(before) == {plain.sid, kept.sid}
    plain.close()
    kept.close()


def vm_hwm_kib(pid):
    """Peak resident memory of a process, from /proc (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmHWM for {pid}")


def test_s_s1_login_storm_is_answered_within_memory(fault_site):
    """S-S1: 50 concurrent logins. Each gets an answer (303, or 429/503
    under pressure), nothing crashes, and each session worker's peak memory
    stays within one Argon2id computation (64 MiB) plus its own size:
    lighttpd queues the requests, the workers take them one at a time."""
    site = fault_site
    statuses = []
    lock = threading.Lock()

    def login(i):
        c = Client(site)
        try:
            r = c.login("alice", "alice-password")
            with lock:
                statuses.append(r.status_code)
        finally:
            c.close()

    threads = [threading.Thread(target=login, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert len(statuses) == 50
    assert set(statuses) <= {303, 429, 503}, statuses
    assert statuses.count(303) >= 1
    pids = session_pids(site)
    assert len(pids) == 2
    argon2_kib = 64 * 1024
    for pid in pids:
        assert vm_hwm_kib(pid) < argon2_kib + 32 * 1024, vm_hwm_kib(pid)
    assert not sitectl.abnormal_log_lines(site.log_text())
