"""Owner-only database files (issue 10 §6): the database, its -wal and
-shm files and its folder are readable by their owner only (0600 and
0700), as the keys are; build/siteinit creates them so whatever the
caller's umask, and tightens those of a checkout made before the rule."""
import contextlib
import os
import sqlite3
import stat
import subprocess

import sitectl

SUFFIXES = ("", "-wal", "-shm")


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@contextlib.contextmanager
def umask(mask):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def siteinit(db, keys):
    """Run build/siteinit as `make initdb` would, with the common umask
    022 (so an owner-only result is siteinit's doing); the result."""
    with umask(0o022):
        return subprocess.run([str(sitectl.SITEINIT), str(db), str(keys)],
                              capture_output=True, text=True, timeout=60)


def test_site_database_files_are_owner_only(site, client):
    """issue 10 §6: after requests (so SQLite has made the WAL and the
    shared-memory file), the main test site's site.sqlite, -wal and -shm
    are 0600 and their folder 0700."""
    assert client.get("/session/state").status_code == 200
    assert client.login("alice", "alice-password").status_code == 303
    for suffix in SUFFIXES:
        path = f"{site.db_path}{suffix}"
        assert os.path.exists(path), path
        assert mode(path) == 0o600, (path, oct(mode(path)))
    assert site.db_path.parent == site.tmp
    assert mode(site.tmp) == 0o700, oct(mode(site.tmp))


def test_siteinit_creates_owner_only(tmp_path):
    """issue 10 §6: siteinit on fresh paths, under umask 022: a missing
    database folder is made 0700, a folder that exists at 0755 (db/ of a
    fresh checkout) becomes 0700, and the new database is 0600."""
    missing = tmp_path / "new"
    existing = tmp_path / "checkout-db"
    existing.mkdir()
    existing.chmod(0o755)
    for folder in (missing, existing):
        db = folder / "site.sqlite"
        r = siteinit(db, folder / "keys")
        assert r.returncode == 0, r.stderr
        assert mode(folder) == 0o700, (folder, oct(mode(folder)))
        assert mode(db) == 0o600, (db, oct(mode(db)))
        assert mode(folder / "keys") == 0o700
        for suffix in ("-wal", "-shm"):     # if SQLite left them, 0600
            extra = f"{db}{suffix}"
            if os.path.exists(extra):
                assert mode(extra) == 0o600, (extra, oct(mode(extra)))


def test_siteinit_tightens_existing_database(tmp_path):
    """issue 10 §6: a database made before the rule (0644, with 0644 -wal
    and -shm held open by a running reader, in a 0755 folder) is 0600 and
    its folder 0700 after siteinit, which says what it changed."""
    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / "site.sqlite"
    r = siteinit(db, folder / "keys")
    assert r.returncode == 0, r.stderr
    folder.chmod(0o755)
    db.chmod(0o644)
    with umask(0o022):
        reader = sqlite3.connect(str(db))
    try:
        # A reader in WAL mode keeps -wal and -shm in place (SQLite makes
        # them with the database's mode, 0644 here).
        assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        reader.execute("SELECT count(*) FROM users").fetchone()
        for suffix in SUFFIXES:
            assert mode(f"{db}{suffix}") == 0o644, suffix
        r = siteinit(db, folder / "keys")
        assert r.returncode == 0, r.stderr
        for suffix in SUFFIXES:
            path = f"{db}{suffix}"
            assert mode(path) == 0o600, (path, oct(mode(path)))
            assert f"{path}: mode 0644 -> 0600" in r.stderr, r.stderr
        assert mode(folder) == 0o700, oct(mode(folder))
        assert f"{folder}: mode 0755 -> 0700" in r.stderr, r.stderr
        # The reader still works: only the mode changed.
        assert reader.execute("SELECT count(*) FROM users").fetchone()[0] > 0
    finally:
        reader.close()
    # Run again: nothing left to change, nothing said about modes.
    r = siteinit(db, folder / "keys")
    assert r.returncode == 0, r.stderr
    assert "mode 0" not in r.stderr, r.stderr
    assert mode(db) == 0o600 and mode(folder) == 0o700


def test_siteinit_leaves_shared_folder_alone(tmp_path):
    """issue 10 §6: a sticky shared folder (like /tmp) that holds the
    database is not made owner-only (that would lock everyone else out of
    it): siteinit warns, and the database itself is still 0600."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    db = shared / "site.sqlite"
    r = siteinit(db, shared / "keys")
    assert r.returncode == 0, r.stderr
    assert mode(shared) == 0o1777, oct(mode(shared))
    assert mode(db) == 0o600, oct(mode(db))
    assert "not the site's own folder" in r.stderr, r.stderr
