"""S-S1: an unknown username costs the same Argon2id work as a wrong
password, so response time does not tell which accounts exist. Runs on its
own instance: the failures it makes would otherwise count towards the
throttle of the shared demo accounts."""
import statistics
import time

import pytest

import sitectl
from sitectl import Client

ROUNDS = 4          # per existing account: stays under the throttle (5)


@pytest.fixture(scope="module")
def tsite():
    with sitectl.private_site("timing") as s:
        yield s


def timed_failure(c, username):
    token = c.login_form()
    t0 = time.perf_counter()
    r = c.post("/session/login", data={"username": username,
                                       "password": "wrong-password",
                                       "csrf": token})
    dt = time.perf_counter() - t0
    assert r.status_code == 401
    return dt


def test_s_s1_unknown_user_costs_like_wrong_password(tsite):
    """S-S1: median time of a failed login for unknown users is within a
    factor of two of the median for existing users (a login without the
    dummy hash would be ~50x faster)."""
    c = Client(tsite)
    for i in range(4):                      # warm up both processes
        timed_failure(c, f"warmup{i}")
    known, unknown = [], []
    for i in range(ROUNDS):
        for user in ("alice", "bob", "admin"):
            known.append(timed_failure(c, user))
            unknown.append(timed_failure(c, f"ghost_{user}_{i}"))
    mk, mu = statistics.median(known), statistics.median(unknown)
    assert 0.5 <= mu / mk <= 2.0, (mk, mu)
    # And the work is real: Argon2id takes milliseconds, not microseconds.
    assert mk > 0.005, mk
