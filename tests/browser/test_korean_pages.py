"""Issue 15 §10 and §11: a Korean reader meets no English sentence and no
browser-locale time on any page.

Every page of test_screens.PAGES is opened with the lang=ko cookie, after
its scripts have run. The check reads the text a reader sees, leaving out
what is English on purpose: code, raw headers and JSON (code, pre, kbd,
samp, .raw), form values, the cookie values and tokens the page shows,
and the language switch's own "English" button. Since issue 14 a Korean
page has no English alternate any more: nothing visible is marked
lang="en" or class "alt". What is left must hold no run of three English
words, and no time in a browser locale's format ("12/1/2026, 11:48:40
PM"). The static pages (431, the other site) are checked too: their
lang.js reads the cookie and shows Korean only.
"""
from __future__ import annotations

import pytest

from test_screens import (PAGES, BIG, browser, page_id,  # noqa: F401
                          session_for, set_cookies, set_viewport, state)

SCAN_JS = r"""
const skip = 'code, pre, kbd, samp, script, style, textarea, select, ' +
             '.raw, button[name="lang"], [aria-hidden="true"]';
const out = [];
for (const el of document.querySelectorAll('[lang="en"], .alt'))
  if (!el.closest('button[name="lang"]') &&
      (el.offsetParent || getComputedStyle(el).position === 'fixed'))
    out.push('shows ' + el.outerHTML.slice(0, 80));
// Three words joined by single spaces: a sentence, not a list of names
// ("alice, bob, admin") or claims ("iss, aud, exp").
const words = /[A-Za-z][a-z]+(?: [a-z]{2,}){2,}/g;
const localeTime = /\b\d{1,2}\/\d{1,2}\/\d{4},? \d{1,2}:\d{2}(:\d{2})?( ?[AP]M)?/;
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n; (n = walker.nextNode());) {
  const el = n.parentElement;
  if (!el || el.closest(skip)) continue;
  if (!el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;
  const s = n.nodeValue.replace(/\s+/g, ' ');
  for (const m of s.matchAll(words))
    out.push('English "' + m[0] + '" in <' + el.tagName.toLowerCase() +
             (el.id ? '#' + el.id : '') + '>');
  if (localeTime.test(s))
    out.push('browser-locale time "' + s.trim().slice(0, 60) + '"');
}
return out;
"""


@pytest.mark.parametrize("page", PAGES, ids=[page_id(p) for p in PAGES])
def test_korean_pages_have_no_english_sentences(page, site, browser, state):
    """Issue 15 §10/§11: the Korean view of every page (scenario IDs in the
    test id) shows no untranslated English and no browser-locale time."""
    driver = browser
    set_viewport(driver, 1280, 720)
    url = site.other_url(page.path) if page.other_site else \
        site.url(page.path)
    cookies = {"lang": "ko", "theme": "light",
               **session_for(site, state, page.who), **page.extra_cookies}
    set_cookies(driver, site, cookies,
                BIG if page.who == "big-cookies" else ())
    if page.load:
        page.load(driver, site, state)
    else:
        driver.get(url)
    driver.execute_script("return document.readyState")
    found = driver.execute_script(SCAN_JS)
    assert not found, f"{page.name}: " + "; ".join(found[:20])
