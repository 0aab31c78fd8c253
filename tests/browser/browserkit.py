"""browserkit.py - what every browser test needs: a headless Debian
Chromium started the one way the guide prescribes, a wait, and the page's
Content-Security-Policy errors."""
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import (StaleElementReferenceException,
                                        WebDriverException)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 15   # seconds any one wait may take


def chromium(profile, window="1280,1600", extra=()):
    """A headless Chromium on the profile folder, in English, logging the
    console; window is "W,H" and extra more command-line switches. Fails
    the test when chromium or chromium-driver is missing."""
    import pytest

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("chromium and chromium-driver are required")
    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-dev-shm-usage",
                f"--window-size={window}", "--lang=en-US",
                f"--user-data-dir={profile}", *extra):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    opts.add_experimental_option("prefs", {
        "intl.accept_languages": "en-US,en"})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    d.set_page_load_timeout(30)
    d.set_script_timeout(10)
    return d


def wait(driver, seconds=WAIT):
    """A wait that survives the page being replaced under it: while a form
    post loads the next page, a lookup can fail with a stale element or a
    transient driver error (the old document's script context is gone, the
    new one not there yet). Those count as "not yet"; the condition must
    still hold within the time, or the wait fails."""
    return WebDriverWait(driver, seconds, ignored_exceptions=(
        StaleElementReferenceException, WebDriverException))


def csp_errors(driver):
    """The console messages about Content-Security-Policy violations."""
    try:
        logs = driver.get_log("browser")
    except Exception:
        return []
    return [e["message"] for e in logs
            if "Content Security Policy" in e.get("message", "")]
