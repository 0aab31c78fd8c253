"""Fixtures for the browser suite: a real site instance and a headless
Chromium driven by selenium (Debian's chromium + chromium-driver)."""
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sitectl  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
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
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("chromium and chromium-driver are required")
    profile = tempfile.mkdtemp(prefix="sitetest-chromium-")
    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1280,1600", "--lang=en-US",
                f"--user-data-dir={profile}"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    opts.add_experimental_option("prefs", {
        "intl.accept_languages": "en-US,en"})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    d.set_page_load_timeout(30)
    d.set_script_timeout(10)
    try:
        yield d
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(autouse=True)
def _time_limit():
    with sitectl.alarm_limit(TEST_TIME_LIMIT):
        yield
