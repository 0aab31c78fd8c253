"""Fixtures for the integration suite: real lighttpd + FastCGI programs on a
free port of 127.0.0.1, each with a private temporary database.

- `site`: the main instance, shared by the whole run (default timeouts).
- `expiry_site`: idle 2 s, absolute 5 s (remember me 60 s), for the S-S3
  expiry and S-S9 tests.
- test_throttle.py and test_teardown.py start their own instances.

Every test runs under a SIGALRM time limit (no pytest-timeout here).
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sitectl  # noqa: E402

TEST_TIME_LIMIT = 90   # seconds for any single test


def _stop_checked(site):
    """Stop the instance; fail (as a teardown error) on leftover FastCGI
    processes or on a backend that died during the run."""
    log = site.log_text()
    bad = sitectl.abnormal_log_lines(log)
    site.stop()
    assert not bad, "backend trouble in the lighttpd log:\n" + "\n".join(bad)


@pytest.fixture(scope="session")
def site():
    s = sitectl.Site(name="main").start()
    yield s
    _stop_checked(s)


@pytest.fixture(scope="session")
def expiry_site():
    s = sitectl.Site(name="expiry", idle=2, absolute=5, remember=60).start()
    yield s
    _stop_checked(s)


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
