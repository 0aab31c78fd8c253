"""Every page of the cookie lessons (S-H1, S-C1..S-C9): its scenario IDs,
Korean and English explanation, the wire view, the security headers, and
no dead links from the home page."""
import re

import pytest

from sitectl import HTML_TYPE, Client, PageScan

PAGES = [
    ("/", 200, "S-C7"), ("/cookies/hello", 200, "S-H1"),
    ("/cookies/hello/step2?name=a", 200, "S-H1"),
    ("/cookies/hello/step3", 200, "S-H1"), ("/prefs", 200, "S-C6"),
    ("/notice/", 200, "S-C7"), ("/visits", 200, "S-C8"),
    ("/lab/", 200, "S-C1"), ("/lab/path/", 200, "S-C2"),
    ("/cookies/lifetime", 200, "S-C3"), ("/lab/limits/", 200, "S-C4"),
    ("/cookies/clear-lab", 200, "S-C4"), ("/cookies/tamper/", 200, "S-C5"),
    ("/cookies/tamper/admin-insecure", 403, "S-C5"),
    ("/cookies/tamper/admin-signed", 403, "S-C5"),
    ("/cookies/samesite", 200, "S-C9"),
    ("/cookies/samesite/echo", 200, "S-C9"),
]


@pytest.mark.parametrize("path,status,sid", PAGES)
def test_s_c_pages_explain_themselves(site, path, status, sid):
    """Each lesson page names its scenario, explains itself in the page's
    one language (English here, Korean with lang=ko, never both unless
    lang=both: issue 14), ends with the wire view, and has no inline
    script."""
    c = Client(site)
    r = c.get(path)
    assert r.status_code == status
    assert r.headers["Content-Type"] == HTML_TYPE
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    main = r.text.split('<section class="wire"')[0]
    assert re.search(r'class="ids"[^>]*>[^<]*' + sid, main), sid
    assert '<p lang="en"' in main and '<p lang="ko"' not in main
    assert '<section class="wire" id="wire"' in r.text
    c.cookies["lang"] = "ko"
    ko = c.get(path).text.split('<section class="wire"')[0]
    assert '<p lang="ko"' in ko and '<p lang="en"' not in ko
    scan = PageScan(r.text)
    assert all(attrs.get("src") for attrs, _ in scan.scripts)


def test_s_c_home_links_are_alive(site):
    """The home page lists every lesson, and every local link answers."""
    c = Client(site)
    home = c.get("/")
    hrefs = {h for h in PageScan(home.text).hrefs()
             if h.startswith("/") and not h.startswith("//")}
    for want in ("/cookies/hello", "/lab/", "/cookies/lifetime",
                 "/lab/limits/", "/cookies/tamper/", "/prefs", "/notice/",
                 "/visits", "/cookies/samesite"):
        assert want in hrefs
    for h in sorted(hrefs):
        r = Client(site).get(h)
        assert r.status_code != 404 and r.status_code < 500, (h, r.status_code)


def test_s_c_korean_is_the_default(site):
    """Without a lang cookie or Accept-Language, pages are Korean first."""
    r = Client(site, accept_language=None).get("/lab/")
    assert '<html lang="ko"' in r.text
    assert "쿠키 실험실" in r.text
