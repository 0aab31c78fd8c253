"""Issue 14, one language at a time (S-C6, and every page of every
scenario): lang=ko shows Korean only, lang=en English only, lang=both the
two side by side; an unknown lang value falls back as before and is never
echoed.

The pages are every GET route of the HTML programs (the `{ HTTP_GET,
"..." }` tables of cgi-bin/*.c that are not ROUTE_JSON), the lab pages, and
an error page, each fetched by a visitor and by a logged-in admin (for the
pages behind a login).

What may stay in the other language, and only there:
- the language switch's own labels (한국어, English): each names itself;
- technical parts: <code>, <pre>, <kbd>, <samp>, .raw, the scenario IDs
  (.ids), <input> values, and the words of TECHNICAL (header, attribute
  and cookie names, HTTP reasons, protocol words).
"""
from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitectl import Client

ROOT = Path(__file__).resolve().parents[2]
HANGUL = re.compile("[\uac00-\ud7a3]")
ROUTE_RE = re.compile(r'\{\s*HTTP_GET,\s*"([^"]+)",\s*\w+,\s*([^,]+),')

# Elements whose text is code or data, never a sentence.
CODE_TAGS = {"code", "pre", "kbd", "samp", "script", "style", "var"}
CODE_CLASSES = {"raw", "ids"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}

# Common English words that no technical name is made of: one of them in
# the text of a Korean page is English left untranslated.
ENGLISH = set("""
the and of to is are was be your you this that with for from not no yes
name value prefix expires persistent session sessions data created seen
last idle absolute send sent save delete set clear add remove login logout
log password user username step next back home cookie cookies lab
received what which when where why how it its in on by or as at
here there see try open close show hide read write new old all none
token tokens refresh access store stores page pages server browser script
request response requests responses answer header headers attribute
attributes size bytes time expired expiry valid invalid signed unsigned
item items product products quantity price cart total guest account
family families revoked device devices other site same cross label
result results check checks payload signature hint reason status
""".split())

# Names that stay as they are in every language (besides <code>).
TECHNICAL = set("""
cookie set-cookie httponly secure samesite path domain max-age expires
lax strict none sid csrf jwt jwks bearer redis sqlite hash json http https
get post put delete head options cors origin referer lighttpd haproxy
fastcgi hs256 rs256 kid alg typ exp nbf iat iss aud jti sub token_use
localstorage sessionstorage document.cookie fetch xhr api url uri ttl
ok b kb kib mb utf-8 base64url id ids s-c6
""".split())


def routes() -> list[str]:
    """The HTML GET routes of every program (JSON routes left out)."""
    out = []
    for src in sorted((ROOT / "cgi-bin").glob("*.c")):
        for path, flags in ROUTE_RE.findall(src.read_text()):
            if "ROUTE_JSON" in flags or path.startswith("/api/"):
                continue
            out.append(path)
    return sorted(set(out))


PAGES = routes() + ["/lab/path/", "/no-such-page"]


class Texts(HTMLParser):
    """The visible words of a page, outside code and the language switch:
    (text, in_code) runs, the lang attributes, the class attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []   # (tag, skip)
        self.words: list[str] = []                # text outside code
        self.all_text: list[str] = []             # every text run
        self.langs: list[tuple[str, str, dict]] = []   # (tag, lang, attrs)
        self.classes: list[str] = []

    def _skip(self) -> bool:
        return any(s for _t, s in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = set((a.get("class") or "").split())
        self.classes += list(cls)
        if "lang" in a:
            self.langs.append((tag, a["lang"], a))
        switch = tag == "button" and a.get("name") == "lang"
        skip = tag in CODE_TAGS or bool(cls & CODE_CLASSES) or switch
        for attr in ("title", "aria-label", "placeholder", "alt"):
            if a.get(attr) and not skip and not self._skip():
                self.words.append(a[attr])
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        self.all_text.append(data)
        if not self._skip():
            self.words.append(data)


def scan(html: str) -> Texts:
    t = Texts()
    t.feed(html)
    return t


def english_words(runs: list[str]) -> list[str]:
    """The common English words, not technical names, of the text runs
    that hold no Hangul (a Korean sentence may name a devtools tab or a
    header in passing; a label or heading without Hangul is English).
    Paths and URLs (/lab/path/), name=value pairs and HTTP status lines
    (404 Not Found) are names, not words."""
    found = []
    text = " ".join(r for r in runs if not HANGUL.search(r))
    text = re.sub(r"\S*/\S*|\S+=\S*|\b[1-5]\d\d( [A-Z][A-Za-z-]+)+", " ",
                  text)
    for w in re.findall(r"[A-Za-z][A-Za-z0-9._-]*", text):
        lw = w.lower().strip("._-")
        if lw in ENGLISH and lw not in TECHNICAL:
            found.append(w)
    return found


def clients(site):
    """A visitor, and an admin (the pages behind a login)."""
    guest = Client(site)
    admin = Client(site)
    r = admin.login("admin", "admin-password")
    assert r.status_code == 303, r.text[:300]
    return [("guest", guest), ("admin", admin)]


@pytest.fixture(scope="module")
def pages(site):
    """{(who, lang, path): response} for every page, in ko, en and both."""
    out = {}
    made = clients(site)
    for who, c in made:
        for lang in ("ko", "en", "both"):
            c.cookies["lang"] = lang
            for path in PAGES:
                r = c.get(path)
                if "text/html" in r.headers.get("Content-Type", "") and \
                        r.text.startswith("<!doctype html>"):
                    out[(who, lang, path)] = r
    for _who, c in made:
        c.close()
    return out


def of_lang(pages, lang):
    return {(w, p): r for (w, l, p), r in pages.items() if l == lang}


def test_every_page_is_collected(pages):
    """The route tables give the pages, and each answers HTML."""
    assert "/cookies/hello" in PAGES and "/session/me" in PAGES
    assert "/jwt" in PAGES and "/lab/scale" in PAGES and "/cart" in PAGES
    assert len(PAGES) >= 40
    got = of_lang(pages, "ko")
    assert ("admin", "/session/admin") in got
    assert got[("admin", "/session/admin")].status_code == 200
    assert got[("guest", "/no-such-page")].status_code == 404
    assert len(got) >= 2 * 35


def one_language_problems(html, lang, who, path, bad) -> Texts:
    """Append to bad what shows that a page of lang is not in lang alone:
    its <html> tag, a grey alternate or two columns, an element marked
    with the other language (the switch's own buttons aside). Returns the
    page's scan for the caller's word checks."""
    other = "en" if lang == "ko" else "ko"
    if f'<html lang="{lang}" data-lang="{lang}"' not in html:
        bad.append((who, path, "html lang"))
    t = scan(html)
    if "alt" in t.classes or "both" in t.classes:
        bad.append((who, path, "alt/both class"))
    for tag, tag_lang, a in t.langs:
        if tag_lang == other and not (tag == "button" and
                                      a.get("name") == "lang"):
            bad.append((who, path, f"<{tag} lang={other}>"))
    return t


def test_korean_pages_show_korean_only(pages):
    """S-C6 lang=ko: <html lang="ko" data-lang="ko">, no grey second
    language (class="alt"), no two columns, no element marked English but
    the switch's own "English", and no English word outside code."""
    bad = []
    for (who, path), r in of_lang(pages, "ko").items():
        t = one_language_problems(r.text, "ko", who, path, bad)
        words = english_words(t.words)
        if words:
            bad.append((who, path, " ".join(sorted(set(words)))))
    assert bad == []


def test_english_pages_show_no_hangul(pages):
    """S-C6 lang=en: <html lang="en" data-lang="en">, no Hangul anywhere
    but the switch's own "한국어" (and code, where a cookie value may be
    Korean), no element marked Korean but that button."""
    bad = []
    for (who, path), r in of_lang(pages, "en").items():
        html = r.text
        t = one_language_problems(html, "en", who, path, bad)
        korean = [w for w in t.words if HANGUL.search(w)]
        if korean:
            bad.append((who, path, korean[:3]))
        # The raw page: the switch's label is the only Hangul outside code.
        rest = re.sub(r'<button name="lang" value="ko" lang="ko">한국어'
                      r'</button>', "", html)
        rest = re.sub(r"<(code|pre|kbd|samp)\b.*?</\1>", "", rest,
                      flags=re.S)
        if HANGUL.search(rest):
            bad.append((who, path, "hangul in markup"))
    assert bad == []


BOTH_P = re.compile(r'<div class="both"><p lang="ko">[^<]*\S.*?</p>'
                    r'<p lang="en">.*?</p></div>', re.S)


def test_both_pages_show_the_two_side_by_side(pages):
    """lang=both: <html lang="ko" data-lang="both"> (a valid language tag;
    Korean is the primary), the paragraphs as two columns (Korean first),
    labels as "한국어 / English", never the grey second language."""
    bad = []
    for (who, path), r in of_lang(pages, "both").items():
        html = r.text
        if '<html lang="ko" data-lang="both"' not in html:
            bad.append((who, path, "html lang"))
        if 'class="alt"' in html:
            bad.append((who, path, "alt"))
        if not BOTH_P.search(html):
            bad.append((who, path, "no two-column paragraph"))
    assert bad == []
    home = pages[("guest", "both", "/")].text
    # A label: both languages inline, in the page's own switch too.
    assert '<button name="lang" value="both">두 언어 함께 / Both</button>' \
        in home
    assert '<a href="/">처음으로 / Home</a>' in home or \
        '/ Home</a>' in home


def test_both_columns_pair_the_same_string(site):
    """The two columns of a paragraph are the one string's two languages
    (S-C6 prefs page: the intro, from cookies.tsv)."""
    tsv = (ROOT / "templates" / "strings" / "cookies.tsv").read_text()
    row = next(line.split("\t") for line in tsv.splitlines()
               if line.startswith("prefs.fallback\t"))
    c = Client(site)
    c.cookies["lang"] = "both"
    c.cookies["theme"] = "neon"          # a fallback: the paragraph shows
    r = c.get("/prefs")
    assert r.status_code == 200
    assert (f'<div class="both"><p lang="ko">{row[1]}</p>'
            f'<p lang="en">{row[2]}</p></div>') in r.text
    c.cookies["lang"] = "ko"
    r = c.get("/prefs")
    assert f'<p lang="ko">{row[1]}</p>' in r.text
    assert row[2] not in r.text
    c.cookies["lang"] = "en"
    r = c.get("/prefs")
    assert f'<p lang="en">{row[2]}</p>' in r.text
    assert row[1] not in r.text
    c.close()


@pytest.mark.parametrize("value,accept,want", [
    ("fr", "en", "en"), ("fr", "ko", "ko"), ("EN", "ko", "ko"),
    ("BOTH", "en", "en"), ("bothx", "en", "en"),
    ("x" * 3000, "en", "en"), ("%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                               "ko", "ko"),
    ("<b>en</b>", "en", "en"), ("", "ko", "ko"),
])
def test_unknown_lang_falls_back_and_is_never_echoed(site, value, accept,
                                                      want):
    """S-C6: a lang cookie off the allowlist (ko, en, both) reads as
    Accept-Language, as before; the prefs page says it fell back and
    never prints the value."""
    c = Client(site, accept_language=accept)
    c.cookies["lang"] = value
    r = c.get("/prefs")
    assert r.status_code == 200
    assert f'<html lang="{want}" data-lang="{want}"' in r.text
    assert f'<code id="cur-lang">{want}</code>' in r.text
    # The wire view's raw Cookie header shows what was received, escaped,
    # as code, and the diagram's exchange data block carries it as JSON:
    # outside code, pre and that data the value never appears.
    prose_part = re.sub(r"<(code|pre|script)\b[^>]*>.*?</\1>", "", r.text,
                        flags=re.S)
    if len(value.strip()) > 2:
        assert value not in prose_part
    assert "<b>en</b>" not in r.text
    c.close()


def test_both_is_a_choice_of_the_switch(site):
    """S-C6: POST /prefs lang=both sets the cookie for a year like the
    others; the page then shows both, and /prefs names the value."""
    c = Client(site)
    page = c.get("/prefs")
    token = re.search(r'name="csrf" type="hidden" value="([^"]+)"',
                      page.text)
    form = {"lang": "both"}
    if token:
        form["csrf"] = token.group(1)
    r = c.post("/prefs", data=form, headers={"Origin": site.origin,
                                              "Referer": site.url("/prefs")})
    assert r.status_code == 303
    assert ("lang=both; Max-Age=31536000; Path=/; SameSite=Lax"
            in r.headers.get("Set-Cookie", ""))
    r = c.get("/prefs")
    assert '<html lang="ko" data-lang="both"' in r.text
    assert '<code id="cur-lang">both</code>' in r.text
    assert '<option value="both">both · 두 언어 나란히 / Both side by ' \
        'side</option>' in r.text
    c.close()


def static_pages(site) -> dict[str, str]:
    """The two pages no program makes: lighttpd's 431 page (S-C4) and the
    other site (S-C9)."""
    import requests
    from sitectl import build_request, raw_request
    req = build_request(site, "GET", "/lab/limits/",
                        {"Cookie": "lang=en; a=" + "x" * 17000})
    status, _h, body = raw_request(site, req)
    assert status == 431
    other = requests.get(site.other_url("/other/"), timeout=10)
    assert other.status_code == 200
    return {"431": body.decode(), "other": other.content.decode()}


def test_static_pages_pick_by_script_and_show_both_without(site):
    """S-C4, S-C9: a static page cannot hear the lang cookie from a
    program, so it carries both languages, labelled, each paragraph as the
    two columns (Korean first) and each label as a ko / en pair of spans;
    lang.js, the first script, picks one (?lang=, the lang cookie, the
    browser's languages) and the CSS hides the other. Nothing is greyed."""
    for name, html in static_pages(site).items():
        assert '<html lang="ko" data-lang="auto" data-static' in html, name
        scripts = re.findall(r'<script src="([^"]+)"', html)
        assert scripts[0] == "/static/js/lang.js", name
        assert 'class="alt"' not in html, name
        t = scan(html)
        ko = [a for tag, lang, a in t.langs if lang == "ko" and
              tag != "html"]
        en = [a for tag, lang, a in t.langs if lang == "en"]
        assert len(ko) == len(en) >= 8, name
        assert len(re.findall(r'<div class="both"><p lang="ko">', html)) == \
            len(re.findall(r'<p lang="en">', html)) >= 3, name
        # A pair's halves are siblings with the separator between.
        assert '<span lang="ko">본문으로 건너뛰기</span><span class="both-sep">' \
            ' · </span><span lang="en">Skip to content</span>' in html
    css = (ROOT / "www" / "static" / "css" / "site.css").read_text()
    assert ('html[data-static][data-lang="ko"] [lang="en"]:not(.keep-lang)'
            in css)
    assert ('html[data-static][data-lang="en"] [lang="ko"]:not(.keep-lang)'
            in css)


def test_page_scripts_share_one_t(site):
    """One script helper: every page script's t() is lang.js's siteLang.t,
    and the layout loads lang.js first, without defer."""
    js = ROOT / "www" / "static" / "js"
    for f in sorted(js.glob("*.js")):
        src = f.read_text(encoding="utf-8")
        defs = re.findall(r"function t\(ko, en\) \{[^}]*\}", src)
        if f.name == "lang.js":
            continue
        for d in defs:
            assert d == "function t(ko, en) { return siteLang.t(ko, en); }", \
                f.name
    assert "return lang === " not in "".join(
        p.read_text() for p in js.glob("*.js"))
    home = Client(site).get("/").text
    scripts = re.findall(r"<script [^>]*>", home)
    assert scripts[0] == '<script src="/static/js/lang.js">'
