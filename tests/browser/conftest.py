"""Fixtures for the browser suite: a real site instance and a headless
Chromium driven by selenium (Debian's chromium + chromium-driver)."""
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sitectl  # noqa: E402
from browserkit import chromium  # noqa: E402

OUTPUT_DIR = sitectl.SITE_ROOT / "test-output"
TEST_TIME_LIMIT = 120


@pytest.fixture(scope="session")
def site():
    s = sitectl.Site(name="browser").start()
    yield s
    bad = sitectl.abnormal_log_lines(s.log_text())
    s.stop()
    assert not bad, "backend trouble in the lighttpd log:\n" + "\n".join(bad)


@pytest.fixture(scope="session")
def output_dir():
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture
def driver():
    """A fresh headless Chromium with its own empty profile per test."""
    profile = tempfile.mkdtemp(prefix="sitetest-chromium-")
    d = chromium(profile)
    try:
        yield d
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(autouse=True)
def _time_limit():
    with sitectl.alarm_limit(TEST_TIME_LIMIT):
        yield
