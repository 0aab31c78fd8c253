"""A full disk (issue 10 §3): reads are served and say what was not
recorded, writes get 503 with Retry-After and change nothing, and once
space is free everything works again without a restart.

The database lives on a small tmpfs of the test's own, mounted under the
instance's temporary folder and unmounted afterwards. Before filling it,
the WAL is checkpointed and truncated to 0 bytes, so that every write,
even a one-row session touch, needs new space on the full disk.
"""
import errno
import os
import shutil
import sqlite3
import subprocess

import pytest
import requests

import sitectl
from sitectl import HTTP_TIMEOUT, JSON_TYPE, Client, csrf_from

FULL_NOTE = 'id="wire-store-failed"'


class TmpfsSite(sitectl.Site):
    """A site whose database sits on a 4 MB tmpfs."""

    @property
    def db_path(self):
        return self.tmp / "disk" / "site.sqlite"

    def start(self):
        import tempfile
        from pathlib import Path
        self.tmp = Path(tempfile.mkdtemp(prefix="sitetest-fulldisk-"))
        disk = self.tmp / "disk"
        disk.mkdir(mode=0o700)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o",
                            "size=4m,mode=0700", "tmpfs", str(disk)],
                           capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(f"cannot mount a tmpfs: {r.stderr}")
        self.run_dir.mkdir()
        self.init_state(self.db_path, self.keys_dir)
        return self._launch()

    def unmount(self):
        subprocess.run(["umount", str(self.tmp / "disk")], check=True)


@pytest.fixture
def disk_site():
    s = TmpfsSite(name="fulldisk")
    try:
        s.start()
    except RuntimeError:
        if s.tmp:
            subprocess.run(["umount", str(s.tmp / "disk")],
                           capture_output=True)
        raise
    yield s
    bad = sitectl.abnormal_log_lines(s.log_text())
    s.stop(cleanup=False)
    s.unmount()
    shutil.rmtree(s.tmp, ignore_errors=True)   # stop() had nothing left to do
    assert not bad, bad


def fill(site):
    """Truncate the WAL, then fill the tmpfs to the last byte."""
    con = sqlite3.connect(site.db_path, timeout=10)
    busy, _, _ = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    con.close()
    assert busy == 0
    assert os.path.getsize(str(site.db_path) + "-wal") == 0
    path = site.db_path.parent / "filler"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        for size in (65536, 4096, 1):
            try:
                while os.write(fd, b"\0" * size) == size:
                    pass
            except OSError as ex:
                assert ex.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return path


def state(site):
    return site.dump(normalise_touch=False)


def test_issue10_full_disk_reads_served_writes_503_then_heal(disk_site):
    """Issue 10 §3 reproduction: with the database's disk full, a logged-in
    visitor's GET /, /session/state, /cart and /session/devices, a new
    guest's /cart and /visits all answer 200 and the pages say what could
    not be recorded; a cart add, a note and a login get 503 with
    Retry-After and store nothing. (A guest whose session could not be
    made has no CSRF token, so its forms are refused with 403, as the page
    said.) After freeing the space the same
    requests record again, with no restart."""
    site = disk_site
    alice = Client(site)
    assert alice.login("alice", "alice-password").status_code == 303
    cart_token = csrf_from(alice.get("/cart").text)
    r = requests.post(site.url("/api/auth/login"),
                      json={"username": "bob", "password": "bob-password",
                            "alg": "HS256"},
                      headers={"Origin": site.origin}, timeout=HTTP_TIMEOUT)
    access = r.json()["access_token"]
    seen = Client(site)
    assert seen.get("/visits").status_code == 200
    bob = Client(site)               # a guest session made before the fill
    assert bob.get("/session/login").status_code == 200
    filler = fill(site)
    before = state(site)
    sitectl.wait_next_second()   # the session touch happens once a second

    for path in ("/", "/cart", "/session/devices"):
        r = alice.get(path)
        assert r.status_code == 200, (path, r.status_code)
        assert FULL_NOTE in r.text, path
    r = alice.get("/session/state")
    assert r.status_code == 200 and r.json()["authenticated"] is True
    guest = Client(site)
    r = guest.get("/cart")
    assert r.status_code == 200
    assert sitectl.set_cookie_headers(r) == []
    assert FULL_NOTE in r.text
    r = seen.get("/visits")
    assert r.status_code == 200 and FULL_NOTE in r.text
    assert sitectl.set_cookie_headers(r) == []
    assert '<strong id="visit-count">1</strong>' in r.text

    r = alice.post("/cart/add", data={"csrf": cart_token, "product": "1",
                                      "qty": "1"})
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "5"
    r = requests.post(site.url("/api/notes"), json={"text": "lost?"},
                      headers={"Authorization": "Bearer " + access},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 503 and r.headers["Retry-After"] == "5"
    assert r.headers["Content-Type"] == JSON_TYPE
    assert r.json()["error"] == "store_unavailable"
    r = bob.login("bob", "bob-password")
    assert r.status_code == 503 and r.headers["Retry-After"] == "5"
    assert "Retry-After" in sitectl.error_callout(r.text)
    assert state(site) == before

    filler.unlink()
    sitectl.wait_next_second()
    r = alice.get("/cart")
    assert r.status_code == 200 and FULL_NOTE not in r.text
    r = alice.post("/cart/add", data={"csrf": cart_token, "product": "1",
                                      "qty": "1"})
    assert r.status_code in (200, 303)
    assert site.query("SELECT qty FROM user_carts WHERE user_id = "
                      "(SELECT id FROM users WHERE username = 'alice')") \
        == [(1,)]
    r = requests.post(site.url("/api/notes"), json={"text": "kept"},
                      headers={"Authorization": "Bearer " + access},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 201
    r = seen.get("/visits")
    assert '<strong id="visit-count">2</strong>' in r.text
    assert bob.login("bob", "bob-password").status_code == 303
