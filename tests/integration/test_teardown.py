"""Process hygiene: stopping lighttpd leaves no FastCGI process, and the
log check used by every suite really notices a backend that dies."""
import os
import signal
import time

import sitectl
from sitectl import Client


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().split(b")")[-1].split()[0] != b"Z"
    except OSError:
        return False


def test_stop_leaves_no_fastcgi_process():
    """SIGTERM to lighttpd stops it and every FastCGI child it spawned."""
    s = sitectl.Site(name="teardown").start()
    try:
        c = Client(s)
        assert c.get("/").status_code == 200                  # cookies.fcgi
        assert c.get("/session/login").status_code == 200     # session.fcgi
        pids = s.fcgi_pids()
        assert len(pids) >= 2, pids
    finally:
        s.stop()          # raises LeftoverProcesses if one survives
    assert s.fcgi_pids() == []
    assert not any(alive(p) for p in pids), pids


def test_dead_backend_is_noticed_in_log():
    """The abnormal-exit check is not vacuous: killing a FastCGI program
    (SIGSEGV) shows up in the lighttpd log, lighttpd restarts it and the
    data survives."""
    s = sitectl.Site(name="crash").start()
    try:
        c = Client(s)
        assert c.login("alice", "alice-password").status_code == 303
        assert sitectl.abnormal_log_lines(s.log_text()) == []
        for pid in s.fcgi_pids():
            os.kill(pid, signal.SIGSEGV)
        deadline = time.monotonic() + 10
        lines = []
        while time.monotonic() < deadline and not lines:
            try:
                c.get("/session/state")
            except Exception:
                pass
            lines = sitectl.abnormal_log_lines(s.log_text())
            time.sleep(0.2)
        assert lines, s.log_text()
        # lighttpd respawns the programs; the session is still there.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            r = c.get("/session/state")
            if r.status_code == 200:
                break
            time.sleep(0.2)
        assert r.status_code == 200
        assert r.json()["authenticated"] is True
    finally:
        s.stop()
