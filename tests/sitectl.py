"""sitectl - start and stop a real instance of the site for the test suites.

Shared by tests/integration and tests/browser. One `Site` is one lighttpd
(started in the foreground from lighttpd.conf) with its own temporary
database, keys and FastCGI socket folder, on a free port of 127.0.0.1.

    site = Site(idle=2, absolute=5).start()
    ...
    site.stop()          # raises LeftoverProcesses if a FastCGI child stays

or, for a site of a test's own that must also show no backend trouble in
its error log:

    with private_site("expiry", idle=2, absolute=5) as site:
        ...

build/siteinit runs once per test run; every site starts from a copy of
what it made (copy_pristine). wait_next_second and wait_until wait for the
programs' whole-second clock no longer than they must; kst formats a time
as the site writes it in Asia/Seoul.

With store="redis" a site keeps its state in a private redis-server of
its own (RedisServer: a unix socket in the site's folder, AOF with
appendfsync always), as `make run SESSION_STORE=redis` does. The state
accessors (session_row, sessions, login_failures, dump) read whichever
store the site uses, so one test runs against both.

Cluster is what `make cluster` runs (issue 13): a private Redis, two
lighttpd nodes with SCALE_NODE=a|b and SESSION_STORE=redis on one
database, and a real HAProxy on tools/haproxy.cfg, on free ports; its
front, sticky and node endpoints take a Client like a Site does.

Nothing here depends on the C code beyond its public interface: the
environment variables read by lighttpd.conf, build/siteinit, the URLs,
the SQLite schema and the Redis key layout (src/state/*_redis.h).
"""
from __future__ import annotations

import contextlib
import hashlib
import http.client
import math
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import requests

SITE_ROOT = Path(__file__).resolve().parents[1]
SITEINIT = SITE_ROOT / "build" / "siteinit"
CGI_BIN = SITE_ROOT / "cgi-bin"
LIGHTTPD = shutil.which("lighttpd") or "/usr/sbin/lighttpd"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
STORES = ("sqlite", "redis")

START_TIMEOUT = 10.0     # seconds for the port to answer
STOP_TIMEOUT = 10.0      # seconds for lighttpd to exit after SIGTERM
# seconds for its FastCGI children to be gone; `make valgrind` gives more,
# since memcheck's leak check runs as each child exits
REAP_TIMEOUT = float(os.environ.get("SITE_REAP_TIMEOUT", "5"))
# A child left running when lighttpd has stopped fails the test, except
# under `make valgrind` (SITE_LEFTOVERS=term): there memcheck can slow a
# child's start so much that lighttpd loses track of it, and the child is
# sent SIGTERM instead, so that memcheck still writes the report that
# tools/valgrind-check.py reads. `make test` stays strict.
LEFTOVERS_TERM = os.environ.get("SITE_LEFTOVERS") == "term"
HTTP_TIMEOUT = 15.0      # seconds for any one request

SID_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
CSRF_RE = re.compile(r'<input type="hidden" name="csrf" value="([^"]*)">')

# What lighttpd 1.4 writes to its error log when a backend dies or cannot
# be reached (gw_backend.c): none of these may appear during a test run.
ABNORMAL_LOG = re.compile(
    r"child exited|child signal+ed|child died|died|crashed|"
    r"backend is overloaded|connect\(\) failed|Connection refused|"
    r"all handlers for|"
    r"fcgi-request is already in use|"
    r"AddressSanitizer|runtime error|Segmentation|core dumped|Aborted",
    re.IGNORECASE)


class LeftoverProcesses(AssertionError):
    """Stopping lighttpd left FastCGI processes running."""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sid_hash(sid: str) -> bytes:
    """BLAKE2b-256 of the session ID string: what the sessions table keeps."""
    return hashlib.blake2b(sid.encode(), digest_size=32).digest()


def sid_hash_hex8(sid: str) -> str:
    return sid_hash(sid).hex()[:8]


def run_siteinit(db: Path, keys: Path):
    subprocess.run([str(SITEINIT), str(db), str(keys)],
                   check=True, timeout=60, capture_output=True)


_PRISTINE = None


def _pristine() -> tuple[Path, Path]:
    """A database and keys made by build/siteinit once per test run (it
    hashes the demo passwords and makes an RSA key: most of a start-up);
    every Site starts from a copy, modes kept. Removed when the run ends."""
    global _PRISTINE
    if _PRISTINE is None or not _PRISTINE[0].exists():
        import atexit
        tmp = Path(tempfile.mkdtemp(prefix="sitetest-pristine-"))
        run_siteinit(tmp / "site.sqlite", tmp / "keys")
        atexit.register(shutil.rmtree, tmp, True)
        _PRISTINE = (tmp / "site.sqlite", tmp / "keys")
    return _PRISTINE


def copy_pristine(db: Path, keys: Path):
    """A database at db and a keys folder at keys as build/siteinit makes
    them: copies (modes kept) of the ones it made once for this run."""
    src_db, src_keys = _pristine()
    shutil.copy2(src_db, db)
    for suffix in ("-wal", "-shm"):
        extra = src_db.with_name(src_db.name + suffix)
        if extra.exists():
            shutil.copy2(extra, db.with_name(db.name + suffix))
    shutil.copytree(src_keys, keys, copy_function=shutil.copy2)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


class RedisServer:
    """A private redis-server: unix socket folder/redis.sock only (no TCP
    port), owner-only, AOF with appendfsync always in folder, so a
    restart finds every acknowledged write."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.proc = None

    @property
    def sock(self) -> Path:
        return self.folder / "redis.sock"

    @property
    def url(self) -> str:
        return f"unix:{self.sock}"

    def start(self) -> "RedisServer":
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        log = open(self.folder / "redis.log", "ab")
        try:
            self.proc = subprocess.Popen(
                [REDIS_SERVER, "--port", "0", "--unixsocket", str(self.sock),
                 "--unixsocketperm", "700", "--dir", str(self.folder),
                 "--appendonly", "yes", "--appendfsync", "always",
                 "--save", ""],
                stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL)
        finally:
            log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if self.client().ping():
                    return self
            except Exception:   # noqa: BLE001 - not up yet
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start: " +
                           _read(self.folder / "redis.log").decode()[-2000:])

    def client(self):
        import redis   # python3-redis; only the Redis suites need it
        return redis.Redis(unix_socket_path=str(self.sock), socket_timeout=5)

    def stop(self, sig=signal.SIGTERM):
        """Stop it (SIGTERM: a clean shutdown; SIGKILL: a crash, which
        the AOF with appendfsync always survives)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)
        self.proc = None


def _int_or_none(v):
    return None if v is None else int(v)


class Site:
    """One running lighttpd + FastCGI programs on a private database."""

    def __init__(self, idle=None, absolute=None, remember=None, extra_env=None,
                 name="site", fresh_init=False, store="sqlite"):
        self.settings = {}
        if idle is not None:
            self.settings["SESSION_IDLE_SECONDS"] = str(idle)
        if absolute is not None:
            self.settings["SESSION_ABSOLUTE_SECONDS"] = str(absolute)
        if remember is not None:
            self.settings["SESSION_REMEMBER_SECONDS"] = str(remember)
        self.settings.update(extra_env or {})
        self.name = name
        self.fresh_init = fresh_init
        assert store in STORES, store
        self.store = store
        self.redis_server = None
        self.tmp = None
        self.proc = None
        self.port = None
        self.other_port = None
        self.host = "127.0.0.1"

    # ---- paths -------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.tmp / "site.sqlite"

    @property
    def keys_dir(self) -> Path:
        return self.tmp / "keys"

    @property
    def run_dir(self) -> Path:
        return self.tmp / "run"

    @property
    def log_path(self) -> Path:
        return self.tmp / "lighttpd.log"

    @property
    def https(self) -> bool:
        """HTTPS=1: the main port speaks TLS with a self-signed certificate
        made on first start (issue 6, classroom LAN)."""
        return self.settings.get("HTTPS") == "1"

    @property
    def cert_path(self) -> Path:
        return self.keys_dir / "tls" / "site.pem"

    @property
    def verify(self):
        """What requests should verify TLS against."""
        return str(self.cert_path) if self.https else True

    @property
    def base(self) -> str:
        scheme = "https" if self.https else "http"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def origin(self) -> str:
        return self.base

    def url(self, path: str) -> str:
        return self.base + path

    def other_url(self, path: str, host: str | None = None) -> str:
        """A URL of the S-C9 "other site" (the second port); host
        "localhost" makes it cross-site rather than same-site."""
        return f"http://{host or self.host}:{self.other_port}{path}"

    def log_text(self) -> str:
        return _read(self.log_path).decode("utf-8", "replace")

    # ---- start / stop ------------------------------------------------------
    def start(self) -> "Site":
        for prog in ("session.fcgi", "cookies.fcgi"):
            if not os.access(CGI_BIN / prog, os.X_OK):
                raise RuntimeError(f"{CGI_BIN / prog} is missing: run "
                                   f"`make -C {SITE_ROOT} all` first")
        if not os.access(SITEINIT, os.X_OK):
            raise RuntimeError(f"{SITEINIT} is missing: run `make all`")
        self.tmp = Path(tempfile.mkdtemp(prefix=f"sitetest-{self.name}-"))
        self.run_dir.mkdir()
        self.init_state(self.db_path, self.keys_dir)
        if self.store == "redis":
            self.redis_server = RedisServer(self.tmp / "redis").start()
            self.settings["SESSION_STORE"] = "redis"
            self.settings["REDIS_URL"] = self.redis_server.url
        return self._launch()

    def init_state(self, db: Path, keys: Path):
        """A new database and keys at db and keys: a copy of what
        build/siteinit made once for this test run (see _pristine), or,
        with fresh_init, build/siteinit run again."""
        if self.fresh_init:
            run_siteinit(db, keys)
        else:
            copy_pristine(db, keys)

    def restart(self) -> "Site":
        """Stop lighttpd and its programs, then start them again on the same
        database and keys (a server restart: the stored state must
        survive)."""
        self.stop(cleanup=False)
        return self._launch()

    def _launch(self) -> "Site":
        last_error = None
        for _attempt in range(3):          # the free port may be taken
            self.port = free_port()
            self.other_port = free_port()    # S-C9: the "other site"
            while self.other_port == self.port:
                self.other_port = free_port()
            env = dict(os.environ)
            for k in ("SESSION_IDLE_SECONDS", "SESSION_ABSOLUTE_SECONDS",
                      "SESSION_REMEMBER_SECONDS", "CLASSROOM", "TEMPLATES",
                      "ACCESS_TOKEN_SECONDS", "REFRESH_TOKEN_SECONDS",
                      "SESSION_STORE", "REDIS_URL", "REDIS_TIMEOUT_MS"):
                env.pop(k, None)
            env.update({
                "SITE_ROOT": str(SITE_ROOT),
                "RUN_DIR": str(self.run_dir),
                "HOST": self.host,
                "PORT": str(self.port),
                "OTHER_PORT": str(self.other_port),
                "DB": str(self.db_path),
                "KEYS": str(self.keys_dir),
                "TZ": "UTC",
            })
            env.update(self.settings)
            log = open(self.log_path, "ab")
            try:
                self.proc = subprocess.Popen(
                    [LIGHTTPD, "-D", "-f", str(SITE_ROOT / "lighttpd.conf")],
                    env=env, stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, cwd=str(self.tmp))
            finally:
                log.close()
            try:
                self._wait_ready()
                return self
            except RuntimeError as ex:
                last_error = ex
                self._terminate()
        raise RuntimeError(f"lighttpd did not start: {last_error}\n"
                           f"{self.log_text()[-4000:]}")

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"lighttpd exited with {self.proc.returncode}")
            try:
                with socket.create_connection((self.host, self.port),
                                              timeout=0.5):
                    pass
            except OSError:
                time.sleep(0.05)
                continue
            # The port answers; make sure the programs answer too.
            try:
                r = requests.get(self.url("/session/state"),
                                 timeout=HTTP_TIMEOUT, verify=self.verify)
                if r.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("port did not answer in time")

    def fcgi_pids(self) -> list[int]:
        """PIDs of FastCGI programs belonging to this instance.

        lighttpd hands each child the variables of bin-copy-environment,
        DB among them; DB is this instance's private temporary file, so a
        process whose environment holds DB=<our file> and that runs a
        program from cgi-bin/ is ours (even if it was re-parented)."""
        marker = b"DB=" + str(self.db_path).encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            if self.proc is not None and pid == self.proc.pid:
                continue
            environ = _read(entry / "environ").split(b"\0")
            if marker not in environ:
                continue
            try:
                exe = os.readlink(entry / "exe")
            except OSError:
                exe = ""
            cmd = _read(entry / "cmdline")
            if exe.endswith(".fcgi") or b".fcgi" in cmd or \
                    str(CGI_BIN) in exe:
                state = _read(entry / "stat").split(b")")[-1].split()
                if state and state[0] == b"Z":
                    continue        # a zombie is already dead
                found.append(pid)
        return found

    def _terminate(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)

    def _reap(self) -> list[int]:
        """Wait up to REAP_TIMEOUT for this instance's FastCGI children to
        be gone; the ones still running."""
        deadline = time.monotonic() + REAP_TIMEOUT
        left = self.fcgi_pids()
        while left and time.monotonic() < deadline:
            time.sleep(0.1)
            left = self.fcgi_pids()
        return left

    def stop(self, cleanup=True):
        """SIGTERM lighttpd, wait, and check no FastCGI process is left.

        Leftovers are killed (so one failure does not leak into the next
        test run) and reported by raising LeftoverProcesses."""
        if self.proc is None:
            return
        self._terminate()
        rc = self.proc.returncode
        left = self._reap()
        if left and LEFTOVERS_TERM:
            for pid in left:
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            left = self._reap()
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc = None
        if cleanup and self.redis_server:
            self.redis_server.stop()
        log = self.log_text()
        if cleanup and not left and self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if left:
            raise LeftoverProcesses(
                f"FastCGI processes still running after lighttpd stopped "
                f"(rc={rc}): {left}\nlog: {log[-2000:]}")
        return rc

    # ---- database ----------------------------------------------------------
    def db(self) -> sqlite3.Connection:
        """A read-only connection to the instance's database."""
        con = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True,
                              timeout=10)
        con.row_factory = sqlite3.Row
        return con

    def query(self, sql, args=()):
        con = self.db()
        try:
            return [tuple(r) for r in con.execute(sql, args).fetchall()]
        finally:
            con.close()

    # ---- the state store (SQLite or Redis) ----------------------------------
    def redis(self):
        """A python3-redis client of this site's redis-server."""
        assert self.redis_server, f"{self.name} keeps its state in SQLite"
        return self.redis_server.client()

    def redis_keys(self) -> dict:
        """Every key of the site's Redis: {name: (type, TTL in seconds)}."""
        r = self.redis()
        return {k.decode(): (r.type(k).decode(), r.ttl(k))
                for k in r.scan_iter(count=1000)}

    @staticmethod
    def _session_from_hash(key_hex: str, h: dict) -> dict:
        """A Redis session hash in the columns of the sessions table."""
        g = {k.decode(): v.decode() for k, v in h.items()}
        user = int(g["user"])
        return {
            "id_hash": bytes.fromhex(key_hex),
            "user_id": user or None,
            "created": int(g["created"]),
            "last_seen": int(g["last_seen"]),
            "idle_ttl": int(g["idle_ttl"]),
            "idle_expires": int(g["idle_exp"]),
            "absolute_expires": int(g["abs_exp"]),
            "persistent": int(g["persistent"]),
            "user_agent": g["ua"],
            "client_addr": g["addr"],
            "data": g["data"],
        }

    def session_row(self, sid: str):
        """The stored session of sid as a sessions-table row (a dict), or
        None; from Redis when the site keeps its state there."""
        if self.store == "redis":
            h = self.redis().hgetall("session:" + sid_hash(sid).hex())
            return self._session_from_hash(sid_hash(sid).hex(), h) \
                if h else None
        con = self.db()
        try:
            r = con.execute("SELECT * FROM sessions WHERE id_hash = ?",
                            (sid_hash(sid),)).fetchone()
            return dict(r) if r else None
        finally:
            con.close()

    def sessions(self) -> list[dict]:
        """Every stored session (expired ones SQLite has not purged yet
        included), as session_row gives them."""
        if self.store == "redis":
            r = self.redis()
            out = []
            for k in r.scan_iter(match="session:*", count=1000):
                h = r.hgetall(k)
                if h:
                    out.append(self._session_from_hash(
                        k.decode().split(":", 1)[1], h))
            return out
        con = self.db()
        try:
            return [dict(r) for r in con.execute("SELECT * FROM sessions")]
        finally:
            con.close()

    def login_failures(self, username: str | None = None) -> list[int]:
        """The times of the recorded failed logins (of username, or of
        everyone), oldest first."""
        if self.store == "redis":
            r = self.redis()
            keys = ([f"throttle:{username}"] if username else
                    list(r.scan_iter(match="throttle:*", count=1000)))
            return sorted(int(score) for k in keys
                          for _m, score in r.zrange(k, 0, -1,
                                                    withscores=True))
        sql = "SELECT at FROM login_failures"
        args = ()
        if username:
            sql += " WHERE username = ?"
            args = (username,)
        return sorted(r[0] for r in self.query(sql, args))

    def dump(self, normalise_touch=False) -> dict:
        """Every row of every table, sorted, for before/after comparison.

        With normalise_touch, a session's last_seen and idle_expires are
        left out: a successful request that carries a live session ID
        legitimately pushes them forward (the idle timeout). A refused
        request must not, so the bad-input tests compare strictly."""
        con = self.db()
        try:
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            out = {}
            for t in tables:
                cur = con.execute(f'SELECT * FROM "{t}"')
                cols = [d[0] for d in cur.description]
                rows = []
                for row in cur.fetchall():
                    d = dict(zip(cols, row))
                    if normalise_touch and t == "sessions":
                        d.pop("last_seen", None)
                        d.pop("idle_expires", None)
                    rows.append(tuple(sorted(d.items(), key=lambda kv: kv[0])))
                out[t] = sorted(rows, key=repr)
        finally:
            con.close()
        if self.store == "redis":
            out["redis"] = self._redis_dump(normalise_touch)
        return out

    # refresh tokens (src/state/refresh_redis.h in Redis)
    def refresh_token(self, token: str):
        """The stored refresh token: {family_id, created, expires,
        used_at (None while unspent)}, or None."""
        h = hashlib.blake2b(token.encode(), digest_size=32).digest()
        if self.store == "redis":
            g = {k.decode(): v.decode() for k, v in
                 self.redis().hgetall("refresh:" + h.hex()).items()}
            if not g:
                return None
            return {"family_id": int(g["family"]),
                    "created": int(g["created"]),
                    "expires": int(g["expires"]),
                    "used_at": (int(g["used_at"]) or None)
                    if g.get("spent") == "1" else None}
        rows = self.query("SELECT family_id, created, expires, used_at "
                          "FROM refresh_tokens WHERE hash = ?", (h,))
        if not rows:
            return None
        fid, created, expires, used = rows[0]
        return {"family_id": fid, "created": created, "expires": expires,
                "used_at": used}

    def refresh_tokens_of(self, family_id: int) -> int:
        """How many refresh tokens of the family are stored."""
        if self.store == "redis":
            r = self.redis()
            return sum(1 for k in r.scan_iter(match="refresh:*", count=1000)
                       if int(r.hget(k, "family") or 0) == family_id)
        return self.query("SELECT count(*) FROM refresh_tokens WHERE "
                          "family_id = ?", (family_id,))[0][0]

    def families(self, user_id: int | None = None) -> list[dict]:
        """The stored refresh families (of user_id, or all), in the
        columns of refresh_families; revoked_at is None while live."""
        if self.store == "redis":
            r = self.redis()
            out = []
            for k in r.scan_iter(match="family:*", count=1000):
                if k.endswith(b":events"):
                    continue
                g = {a.decode(): b.decode() for a, b in r.hgetall(k).items()}
                if not g:
                    continue
                fam = {"id": int(k.split(b":")[1]), "user_id": int(g["user"]),
                       "alg": g["alg"], "bound": int(g["bound"]),
                       "access_jti": g["access_jti"],
                       "access_exp": int(g["access_exp"]),
                       "created": int(g["created"]),
                       "last_used": int(g["last_used"]),
                       "revoked_at": int(g["revoked_at"]) or None,
                       "revoked_reason": g.get("reason", ""),
                       "user_agent": g["ua"], "client_addr": g["addr"]}
                if user_id is None or fam["user_id"] == user_id:
                    out.append(fam)
            return sorted(out, key=lambda f: f["created"])
        con = self.db()
        try:
            rows = con.execute("SELECT * FROM refresh_families"
                               + ("" if user_id is None else
                                  " WHERE user_id = ?") + " ORDER BY id",
                               () if user_id is None else (user_id,))
            return [dict(r) for r in rows]
        finally:
            con.close()

    def family(self, family_id: int):
        """One family as families() gives it, or None."""
        got = [f for f in self.families() if f["id"] == family_id]
        return got[0] if got else None

    def token_events(self, family_id: int) -> list[str]:
        """The kinds of the family's events, oldest first."""
        if self.store == "redis":
            import json
            got = self.redis().lrange(f"family:{family_id}:events", 0, -1)
            return [json.loads(e)["kind"] for e in reversed(got)]
        return [r[0] for r in self.query(
            "SELECT kind FROM token_events WHERE family_id = ? ORDER BY id",
            (family_id,))]

    def blacklist_expires(self, jti: str):
        """The exp the blacklist keeps jti until, or None."""
        if self.store == "redis":
            v = self.redis().get(f"blacklist:{jti}")
            return None if v is None else int(v)
        rows = self.query("SELECT expires FROM token_blacklist WHERE "
                          "jti = ?", (jti,))
        return rows[0][0] if rows else None

    def stored_bytes(self) -> list[tuple[str, bytes]]:
        """Everything the site stores, as (where, bytes): each cell of
        each SQLite table, and with Redis each key name and each value, so
        a test can prove a secret is in none of them."""
        out = []
        con = self.db()
        try:
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
            for t in tables:
                for row in con.execute(f'SELECT * FROM "{t}"'):
                    for v in tuple(row):
                        out.append((t, v if isinstance(v, bytes)
                                    else str(v).encode()))
        finally:
            con.close()
        if self.store == "redis":
            for k, _kind, v in self._redis_dump(False):
                out.append(("redis key", k))
                out.append((f"redis {k.decode()}", repr(v).encode()))
        return out

    def _redis_dump(self, normalise_touch: bool) -> list:
        """Every key of the site's Redis with its value (TTLs left out:
        they count down by themselves)."""
        r = self.redis()
        rows = []
        for k in r.scan_iter(count=1000):
            kind = r.type(k).decode()
            if kind == "hash":
                v = {a.decode(): b for a, b in r.hgetall(k).items()}
                if normalise_touch and k.startswith(b"session:"):
                    v.pop("last_seen", None)
                    v.pop("idle_exp", None)
                v = sorted(v.items())
            elif kind == "set":
                v = sorted(r.smembers(k))
            elif kind == "zset":
                v = r.zrange(k, 0, -1, withscores=True)
            elif kind == "list":
                v = r.lrange(k, 0, -1)
            else:
                v = r.get(k)
            rows.append((k, kind, v))
        return sorted(rows, key=repr)


# ---- make cluster: HAProxy, two nodes, one Redis (issue 13) -----------------
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
HAPROXY_CFG = SITE_ROOT / "tools" / "haproxy.cfg"
NODES = ("a", "b")


def _environ(pid: int) -> list[bytes]:
    return _read(Path("/proc") / str(pid) / "environ").split(b"\0")


def _alive(pid: int) -> bool:
    """pid runs and is not a zombie."""
    state = _read(Path("/proc") / str(pid) / "stat").split(b")")[-1].split()
    return bool(state) and state[0] != b"Z"


class Endpoint:
    """One address of a cluster (a HAProxy front or a node), in the shape
    Client and the request helpers expect of a Site: host, port, base,
    url(), origin and verify."""

    def __init__(self, host: str, port: int):
        self.host = host
        self.port = port
        self.verify = True

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def origin(self) -> str:
        return self.base

    def url(self, path: str) -> str:
        return self.base + path


class Node:
    """One app node of a cluster: a lighttpd with every program, on its
    own port and FastCGI socket folder, with SCALE_NODE=name."""

    def __init__(self, cluster: "Cluster", name: str, port: int):
        self.cluster = cluster
        self.name = name
        self.port = port
        self.proc = None
        self.run_dir = cluster.tmp / f"run-{name}"
        self.run_dir.mkdir()
        self.endpoint = Endpoint(cluster.host, port)

    @property
    def other_socket(self) -> Path:
        return self.run_dir / "other.sock"

    @property
    def log_path(self) -> Path:
        return self.cluster.tmp / f"lighttpd-{self.name}.log"

    def log_text(self) -> str:
        return _read(self.log_path).decode("utf-8", "replace")

    def start(self) -> "Node":
        c = self.cluster
        env = dict(os.environ)
        for k in ("SESSION_IDLE_SECONDS", "SESSION_ABSOLUTE_SECONDS",
                  "SESSION_REMEMBER_SECONDS", "CLASSROOM", "TEMPLATES",
                  "ACCESS_TOKEN_SECONDS", "REFRESH_TOKEN_SECONDS",
                  "REDIS_TIMEOUT_MS", "HTTPS"):
            env.pop(k, None)
        env.update({
            "SITE_ROOT": str(SITE_ROOT), "RUN_DIR": str(self.run_dir),
            "HOST": c.host, "PORT": str(self.port),
            "OTHER_PORT": str(c.other_port),
            "OTHER_SOCKET": str(self.other_socket),
            "DB": str(c.db_path), "KEYS": str(c.keys_dir), "TZ": "UTC",
            "SESSION_STORE": "redis", "REDIS_URL": c.redis_server.url,
            "SCALE_NODE": self.name, "GATEWAY_SECRET": c.secret,
        })
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [LIGHTTPD, "-D", "-f", str(SITE_ROOT / "lighttpd.conf")],
                env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, cwd=str(c.tmp))
        finally:
            log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                r = requests.get(self.endpoint.url("/session/state"),
                                 timeout=HTTP_TIMEOUT)
                if r.status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"node {self.name} did not start:\n"
                           f"{self.log_text()[-3000:]}")

    def fcgi_pids(self) -> list[int]:
        """The node's FastCGI programs: the processes other than its
        lighttpd whose environment holds RUN_DIR=<its folder>
        (lighttpd.conf hands RUN_DIR to every program), orphans of a
        killed lighttpd included."""
        marker = b"RUN_DIR=" + str(self.run_dir).encode()
        mine = self.proc.pid if self.proc is not None else None
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == mine:
                continue
            pid = int(entry.name)
            if marker in _environ(pid) and _alive(pid):
                found.append(pid)
        return found

    def kill9(self) -> list[int]:
        """kill -9 of the node's lighttpd and every one of its programs
        (a crashed machine): the PIDs killed."""
        pids = [self.proc.pid] + self.fcgi_pids()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=STOP_TIMEOUT)
        deadline = time.monotonic() + REAP_TIMEOUT
        while self.fcgi_pids() and time.monotonic() < deadline:
            time.sleep(0.05)
        return pids

    def stop(self) -> list[int]:
        """SIGTERM the node's lighttpd and wait; its programs still running
        after REAP_TIMEOUT are killed and returned."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)
        deadline = time.monotonic() + REAP_TIMEOUT
        left = self.fcgi_pids()
        while left and time.monotonic() < deadline:
            time.sleep(0.1)
            left = self.fcgi_pids()
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return left


class Cluster:
    """What `make cluster` runs, on free loopback ports of a test's own:
    a private redis-server (RedisServer), node a and node b (two real
    lighttpd with every program, SESSION_STORE=redis, SCALE_NODE, one
    shared database and keys copied from the pristine ones) and a real
    HAProxy on tools/haproxy.cfg with the variables tools/cluster.sh
    sets. Ports are free ones, not PORT..PORT+4.

        cl = Cluster().start()
        Client(cl.front).login(...)      # round robin, gateway at /gw/
        Client(cl.sticky)                # HAProxy's SERVERID cookie
        cl.node["a"].kill9()
        cl.stop()                        # LeftoverProcesses if any stays

    Every start and stop is bounded (START_TIMEOUT, STOP_TIMEOUT,
    REAP_TIMEOUT), and stop ends everything start started."""

    def __init__(self, name="cluster"):
        self.name = name
        self.host = "127.0.0.1"
        self.tmp = None
        self.redis_server = None
        self.node: dict[str, Node] = {}
        self.haproxy = None
        self.secret = None

    # ---- paths and addresses -----------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.tmp / "site.sqlite"

    @property
    def keys_dir(self) -> Path:
        return self.tmp / "keys"

    @property
    def haproxy_log(self) -> Path:
        return self.tmp / "haproxy.log"

    def haproxy_text(self) -> str:
        return _read(self.haproxy_log).decode("utf-8", "replace")

    # ---- start / stop ------------------------------------------------------
    def start(self) -> "Cluster":
        import secrets
        if not os.access(CGI_BIN / "gateway.fcgi", os.X_OK):
            raise RuntimeError("cgi-bin/gateway.fcgi is missing: run "
                               f"`make -C {SITE_ROOT} all` first")
        self.tmp = Path(tempfile.mkdtemp(prefix=f"sitetest-{self.name}-"))
        try:
            copy_pristine(self.db_path, self.keys_dir)
            self.secret = secrets.token_hex(32)
            self.redis_server = RedisServer(self.tmp / "redis").start()
            ports = set()
            while len(ports) < 5:
                ports.add(free_port())
            (self.front_port, self.sticky_port, port_a, port_b,
             self.other_port) = sorted(ports)
            self.front = Endpoint(self.host, self.front_port)
            self.sticky = Endpoint(self.host, self.sticky_port)
            self.other = Endpoint(self.host, self.other_port)
            for name, port in zip(NODES, (port_a, port_b)):
                self.node[name] = Node(self, name, port).start()
            self._start_haproxy()
            return self
        except BaseException:
            self.stop(check=False)
            raise

    def haproxy_env(self) -> dict:
        """The variables tools/haproxy.cfg reads, as tools/cluster.sh
        sets them."""
        a, b = self.node["a"], self.node["b"]
        return {
            "HOST": self.host, "FRONT_PORT": str(self.front_port),
            "STICKY_PORT": str(self.sticky_port),
            "OTHER_SITE_PORT": str(self.other_port),
            "NODE_A": f"{self.host}:{a.port}",
            "NODE_B": f"{self.host}:{b.port}",
            "OTHER_A": str(a.other_socket), "OTHER_B": str(b.other_socket),
            "GW_PUBKEY": str(self.keys_dir / "jwt_rs256.pub.pem"),
            "GATEWAY_SECRET": self.secret,
        }

    def _start_haproxy(self):
        env = dict(os.environ)
        env.update(self.haproxy_env())
        log = open(self.haproxy_log, "ab")
        try:
            self.haproxy = subprocess.Popen(
                [HAPROXY, "-db", "-f", str(HAPROXY_CFG)], env=env,
                stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, cwd=str(self.tmp))
        finally:
            log.close()
        # Up when the round-robin front has answered from both nodes.
        seen = set()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and seen != set(NODES):
            if self.haproxy.poll() is not None:
                break
            try:
                r = requests.get(self.front.url("/session/state"),
                                 timeout=HTTP_TIMEOUT)
                if r.status_code == 200:
                    seen.add(r.headers.get("X-Node"))
                    continue
            except requests.RequestException:
                pass
            time.sleep(0.05)
        if seen != set(NODES):
            raise RuntimeError("haproxy did not start (answers from "
                               f"{sorted(seen)}):\n"
                               f"{self.haproxy_text()[-3000:]}")

    def wait_node_down(self, name: str, timeout: float = 5.0) -> float:
        """Seconds until HAProxy's log says node name is DOWN in the
        round-robin backend (its health checks), at most timeout."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if f"Server nodes/{name} is DOWN" in self.haproxy_text():
                return time.monotonic() - t0
            time.sleep(0.05)
        raise AssertionError(f"HAProxy did not take node {name} out in "
                             f"{timeout} s:\n{self.haproxy_text()[-2000:]}")

    def stop(self, check=True):
        """Stop HAProxy, both nodes (and their programs) and Redis, and
        remove the folder. With check, a program left running by a node's
        lighttpd is reported (LeftoverProcesses) after being killed."""
        left = []
        if self.haproxy is not None:
            if self.haproxy.poll() is None:
                self.haproxy.terminate()
                try:
                    self.haproxy.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    self.haproxy.kill()
                    self.haproxy.wait(timeout=STOP_TIMEOUT)
            self.haproxy = None
        for node in self.node.values():
            left += node.stop()
        self.node = {}
        if self.redis_server is not None:
            self.redis_server.stop()
            self.redis_server = None
        if self.tmp and not left:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if left and check:
            raise LeftoverProcesses(f"FastCGI processes of {self.name} "
                                    f"still running: {left}")

    # ---- state -------------------------------------------------------------
    def db(self) -> sqlite3.Connection:
        """A read-only connection to the shared database."""
        con = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True,
                              timeout=10)
        con.row_factory = sqlite3.Row
        return con

    def redis(self):
        return self.redis_server.client()

    def abnormal_log_lines(self) -> dict[str, list[str]]:
        """abnormal_log_lines of each node's lighttpd log."""
        return {n: abnormal_log_lines(node.log_text())
                for n, node in self.node.items()}


@contextlib.contextmanager
def running_cluster(name="cluster"):
    """A Cluster started for the with block and stopped after it."""
    cl = Cluster(name).start()
    try:
        yield cl
    finally:
        cl.stop()


# ---- HTTP clients ------------------------------------------------------------
def set_cookie_headers(resp) -> list[str]:
    """The raw Set-Cookie header values of a requests response."""
    return list(resp.raw.headers.getlist("Set-Cookie"))


class Client:
    """A minimal browser: keeps cookies by name, applies Set-Cookie exactly
    as received (Max-Age=0 deletes), sends an explicit Cookie header and
    never follows redirects. The raw headers stay inspectable."""

    def __init__(self, site: Site, accept_language="en"):
        self.site = site
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()
        self.accept_language = accept_language
        self.last = None

    def close(self):
        self.http.close()

    def cookie_header(self) -> str | None:
        if not self.cookies:
            return None
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method, path, *, cookies=True, headers=None,
                store=None, **kw):
        """cookies=False sends none of the jar (a request made by another
        program, e.g. curl with a hand-written Cookie header); its
        Set-Cookie headers are then not stored either, unless store=True."""
        if store is None:
            store = cookies
        h = {}
        if self.accept_language:
            h["Accept-Language"] = self.accept_language
        if cookies and self.cookies:
            h["Cookie"] = self.cookie_header()
        h.update(headers or {})
        # Explicit: REQUESTS_CA_BUNDLE in the environment would override a
        # Session-wide setting.
        kw.setdefault("verify", self.site.verify)
        r = self.http.request(method, self.site.url(path), headers=h,
                              allow_redirects=False, timeout=HTTP_TIMEOUT,
                              **kw)
        self.http.cookies.clear()          # this class is the cookie jar
        self.last = r
        if not store:
            return r
        for line in set_cookie_headers(r):
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            attrs = [a.strip().lower() for a in rest.split(";")[1:]]
            if "max-age=0" in attrs or any(
                    a.startswith("max-age=-") for a in attrs):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    @property
    def sid(self):
        return self.cookies.get("sid")

    def login_form(self, query=""):
        r = self.get("/session/login" + query)
        assert r.status_code == 200, r.text[:500]
        return csrf_from(r.text)

    def login(self, username, password, remember=None, next_=None,
              extra=None):
        token = self.login_form()
        form = {"username": username, "password": password, "csrf": token}
        if remember is not None:
            form["remember"] = remember
        if next_ is not None:
            form["next"] = next_
        form.update(extra or {})
        return self.post("/session/login", data=form)

    def state(self, **kw):
        r = self.get("/session/state", **kw)
        assert r.status_code == 200, r.text[:500]
        return r.json()


def csrf_from(html: str) -> str:
    m = CSRF_RE.search(html)
    assert m, "no csrf field in the page"
    return m.group(1)


def raw_request(site: Site, data: bytes, timeout=HTTP_TIMEOUT):
    """Send bytes as they are (no client-side normalisation of the target,
    headers or body) and parse the answer with http.client.

    Returns (status, headers as an http.client.HTTPMessage, body bytes)."""
    with socket.create_connection((site.host, site.port),
                                  timeout=timeout) as s:
        s.sendall(data)
        resp = http.client.HTTPResponse(s, method=data.split(b" ", 1)[0]
                                        .decode("latin-1"))
        resp.begin()
        body = resp.read()
        return resp.status, resp.msg, body


def build_request(site: Site, method: str, target: bytes | str, headers=None,
                  body: bytes | None = None, host=None) -> bytes:
    """An HTTP/1.1 request with Connection: close and, when there is a body,
    its Content-Length."""
    if isinstance(target, str):
        target = target.encode("latin-1")
    lines = [method.encode() + b" " + target + b" HTTP/1.1"]
    hdrs = {"Host": host or f"{site.host}:{site.port}",
            "Connection": "close"}
    hdrs.update(headers or {})
    if body is not None:
        hdrs["Content-Length"] = str(len(body))
    for k, v in hdrs.items():
        if isinstance(v, str):
            v = v.encode("latin-1")
        lines.append(k.encode() + b": " + v)
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


# ---- bounded tests -----------------------------------------------------------
class AlarmTimeout(Exception):
    """A test ran past its time limit (see alarm_limit)."""


def alarm_limit(seconds: int):
    """Context manager: raise AlarmTimeout in the main thread after seconds.

    pytest-timeout is not packaged here; SIGALRM does the same job for
    tests that run in the main thread."""
    @contextlib.contextmanager
    def guard():
        def on_alarm(_sig, _frame):
            raise AlarmTimeout(f"test took longer than {seconds} s")
        old = signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(seconds)
        try:
            yield
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
    return guard()


def abnormal_log_lines(text: str) -> list[str]:
    """Lines of a lighttpd log that tell of a dead or unreachable backend."""
    return [ln for ln in text.splitlines() if ABNORMAL_LOG.search(ln)]


@contextlib.contextmanager
def private_site(name="private", *, check_log=True, **settings):
    """A site of its own with these settings (Site's idle, absolute,
    remember, extra_env, ...), started for the with block:

        with private_site("throttle", extra_env={"TZ": "Asia/Seoul"}) as s:
            ...

    or, as a fixture, `with private_site(...) as s: yield s`. On leaving,
    it is stopped (LeftoverProcesses if a FastCGI child stays) and, unless
    check_log=False (tests that kill programs on purpose), its error log
    must show no backend trouble (abnormal_log_lines). When the block
    itself raised, that error is the one reported."""
    s = Site(name=name, **settings).start()
    bad = []
    try:
        yield s
    finally:
        if check_log:
            bad = abnormal_log_lines(s.log_text())
        s.stop()
    assert not bad, (f"backend trouble in the lighttpd log of {name}:\n"
                     + "\n".join(bad))


# ---- time ------------------------------------------------------------------------
# The programs read the time with time(2), which the kernel's vDSO serves
# from its coarse clock, updated once a tick: just after a second begins,
# time() may still say the last one for a few milliseconds. The waits
# below end this much later than the wall clock says they could.
TIME_MARGIN = 0.05


def wait_next_second():
    """Sleep until the wall clock's whole second has changed (at most
    1 s), as the programs see it.

    The programs work in whole seconds: each re-reads the demo clock
    offset when the second changes (src/base/clock.c), and a session is
    touched at most once a second. After this, any request sees the
    effects of everything done before the call."""
    t = time.time()
    time.sleep(math.floor(t) + 1 - t + TIME_MARGIN)


def wait_until(unix_time: float):
    """Sleep until the programs' clock reads unix_time: a deadline of the
    site (no demo clock offset), waited for no longer than it must."""
    left = unix_time + TIME_MARGIN - time.time()
    if left > 0:
        time.sleep(left)


SITE_ZONE = "Asia/Seoul"     # the Makefile's default TZ, shown as KST


def kst(t: float) -> str:
    """Unix time t as the site writes it in Asia/Seoul: the one format of
    its times, "2026-12-02 09:05:31 KST"."""
    from datetime import datetime
    from zoneinfo import ZoneInfo
    return datetime.fromtimestamp(t, ZoneInfo(SITE_ZONE)).strftime(
        "%Y-%m-%d %H:%M:%S KST")


# ---- what the site promises about its cookies and pages -------------------------
SID_COOKIE_RE = re.compile(
    r"^sid=([A-Za-z0-9_-]{43}); Path=/; HttpOnly; SameSite=Lax$")
SID_REMEMBER_RE = re.compile(
    r"^sid=([A-Za-z0-9_-]{43}); Max-Age=(\d+); Path=/; HttpOnly; "
    r"SameSite=Lax$")
SID_EXPIRE = "sid=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
HTML_TYPE = "text/html; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


def one_sid_cookie(resp, pattern=SID_COOKIE_RE):
    """The single Set-Cookie of resp, checked against pattern; returns the
    match."""
    lines = set_cookie_headers(resp)
    assert len(lines) == 1, f"expected one Set-Cookie, got {lines}"
    m = pattern.match(lines[0])
    assert m, f"unexpected Set-Cookie: {lines[0]!r}"
    return m


def error_callout(html: str) -> str:
    """The inner HTML of the page's error message box."""
    m = re.search(r'<div class="callout error" role="alert">(.*?)</div>',
                  html, re.S)
    assert m, "no error callout in the page"
    return m.group(1)


def main_part(html: str) -> str:
    m = re.search(r"<main id=\"main\">(.*?)</main>", html, re.S)
    assert m, "no <main> in the page"
    return m.group(1)


def html_lang(html: str) -> str:
    m = re.search(r"<html lang=\"([^\"]*)\"", html)
    assert m, "no <html lang>"
    return m.group(1)


class PageScan:
    """Tags, attributes and inline script text of an HTML page. A
    <script type="application/json"> is a data block, not script (the
    browser never runs it; issue 14's exchange for the sequence diagram):
    it goes to data_blocks, never to scripts."""

    def __init__(self, html: str):
        from html.parser import HTMLParser
        self.tags = []            # (tag, {attr: value})
        self.scripts = []         # (attrs, text): what a browser would run
        self.data_blocks = []     # (attrs, text): type="application/json"
        scan = self

        class P(HTMLParser):
            def __init__(self):
                super().__init__(convert_charrefs=True)
                self.in_script = None

            def handle_starttag(self, tag, attrs):
                d = dict(attrs)
                scan.tags.append((tag, d, attrs))
                if tag == "script":
                    self.in_script = [d, ""]

            def handle_startendtag(self, tag, attrs):
                self.handle_starttag(tag, attrs)
                if tag == "script":
                    self.handle_endtag(tag)

            def handle_data(self, data):
                if self.in_script is not None:
                    self.in_script[1] += data

            def handle_endtag(self, tag):
                if tag == "script" and self.in_script is not None:
                    data = self.in_script[0].get("type") == \
                        "application/json"
                    (scan.data_blocks if data else scan.scripts).append(
                        tuple(self.in_script))
                    self.in_script = None

        p = P()
        p.feed(html)
        p.close()

    def hrefs(self):
        return [d["href"] for t, d, _ in self.tags if "href" in d]

    def srcs(self):
        return [d["src"] for t, d, _ in self.tags if "src" in d]

