"""Fixtures for the integration suite: real lighttpd + FastCGI programs on a
free port of 127.0.0.1, each with a private temporary database.

- `site`: the main instance, shared by the whole run (default timeouts).
- `expiry_site`: idle 2 s, absolute 5 s (remember me 60 s), for the S-S3
  expiry and S-S9 tests.
- `tls_site`: HTTPS=1.
- Modules that need a site of their own (other settings, or tests that
  log everyone out or kill programs) use sitectl.private_site, which also
  checks the error log and stops it.

A module that sets `STORES = sitectl.STORES` runs every test twice: on
the SQLite store and on a private Redis (issue 12). Its fixtures take the
`store` parameter and pass it on (`private_site(..., store=store)`);
`site` and `expiry_site` already do. Other modules run on SQLite only.

Every test runs under a SIGALRM time limit (no pytest-timeout here).
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sitectl  # noqa: E402

TEST_TIME_LIMIT = 90   # seconds for any single test


def pytest_generate_tests(metafunc):
    """The `store` parameter: both stores for a module with STORES."""
    if "store" in metafunc.fixturenames:
        metafunc.parametrize(
            "store", getattr(metafunc.module, "STORES", ("sqlite",)),
            scope="session")


@pytest.fixture(scope="session")
def site(store):
    with sitectl.private_site(f"main-{store}", store=store) as s:
        yield s


@pytest.fixture(scope="session")
def expiry_site(store):
    with sitectl.private_site(f"expiry-{store}", idle=2, absolute=5,
                              remember=60, store=store) as s:
        yield s


@pytest.fixture(scope="session")
def tls_site():
    """HTTPS=1: TLS on the main port (test_https.py, and the Secure refresh
    cookie in test_jwt_refresh.py)."""
    with sitectl.private_site("https", extra_env={"HTTPS": "1"}) as s:
        yield s


@pytest.fixture
def client(site):
    c = sitectl.Client(site)
    yield c
    c.close()


@pytest.fixture
def new_client(site):
    """Factory for more independent visitors on the main site."""
    made = []

    def make(**kw):
        c = sitectl.Client(site, **kw)
        made.append(c)
        return c
    yield make
    for c in made:
        c.close()


@pytest.fixture(autouse=True)
def _time_limit():
    with sitectl.alarm_limit(TEST_TIME_LIMIT):
        yield
