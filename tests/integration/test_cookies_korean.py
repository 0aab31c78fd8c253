"""Issue 15 §10, §12 for the cookie lessons (S-H1, S-C1..S-C9): the
Korean reads as a Korean teacher's handout (docs/glossary.md) and no
English sentence, file-number reference or cryptic shorthand reaches a
Korean page. Checks the string file itself, the page scripts' t() pairs,
and the pages as the server renders them in Korean."""
import re
from html import unescape
from pathlib import Path

import pytest

from sitectl import Client

ROOT = Path(__file__).resolve().parents[2]
TSV = ROOT / "templates" / "strings" / "cookies.tsv"
HANGUL = re.compile("[\uac00-\ud7a3]")


def rows():
    out = []
    for line in TSV.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, ko, en = line.split("\t")
            out.append((key, ko, en))
    return out


def prose(s):
    """s without its `code` runs (names, headers, values)."""
    return re.sub(r"`[^`]*`", "`…`", s)


def english_run(s):
    """Two English words in a row, the second lower case: an English
    phrase, as opposed to names like Set-Cookie, HttpOnly or HTTP 200."""
    return re.search(r"(?<![\w`-])[A-Za-z]{2,} [a-z]{2,}(?![\w-])", s)


def test_strings_follow_the_glossary():
    """No "당신", no English-style colon joining Korean clauses or ending
    a label, no file-number reference; English strings carry no Hangul;
    the terms the glossary fixes."""
    bad = []
    for key, ko, en in rows():
        p = prose(ko)
        if "당신" in ko or "seed 0" in ko or "§" in ko or "가족" in ko:
            bad.append((key, "word"))
        if re.search(r":(\s|$)", p):
            bad.append((key, "colon"))
        if HANGUL.search(en):
            bad.append((key, "hangul in English"))
        if "평문" in ko or "돕니다" in ko:
            bad.append((key, "term"))
        if not HANGUL.search(ko) and english_run(p):
            bad.append((key, "English left in Korean"))
    assert bad == []
    assert len(rows()) > 250


def test_the_checks_can_fail():
    assert english_run("alg not allowed for this key")
    assert korean_text('<main><p>한국어 <code>x y</code></p></main>') == \
        ["한국어 `…`"]
    with pytest.raises(AssertionError):
        korean_text('<main><p lang="en">In English</p></main>')
    assert not english_run("Set-Cookie HttpOnly HTTP 200")
    assert re.search(r":(\s|$)", prose("이유: 서명이 틀림"))
    assert not re.search(r":(\s|$)", prose("`role: admin` 15:00 http://x"))


@pytest.mark.parametrize("js", ["other.js", "clear431.js", "cookies.js"])
def test_page_script_pairs(js):
    """Every t(ko, en) pair of the lessons' scripts: Korean first, English
    second; no bilingual literal such as "kept · 남음" outside t()."""
    src = (ROOT / "www" / "static" / "js" / js).read_text(encoding="utf-8")
    pairs = re.findall(r'\bt\("([^"]*)", "([^"]*)"\)', src)
    for ko, en in pairs:
        assert HANGUL.search(ko) and not HANGUL.search(en), (ko, en)
    rest = re.sub(r'\bt\("[^"]*", "[^"]*"\)', "", src)
    literals = re.findall(r'"([^"\n]*)"', rest)
    assert [s for s in literals if HANGUL.search(s)] == []
    if js != "cookies.js":
        assert pairs


PAGES = ["/", "/cookies/hello", "/cookies/hello/step2?name=a",
         "/cookies/hello/step3", "/prefs", "/notice/", "/visits", "/lab/",
         "/lab/path/", "/cookies/lifetime", "/lab/limits/",
         "/cookies/clear-lab", "/cookies/tamper/",
         "/cookies/tamper/admin-insecure", "/cookies/tamper/admin-signed",
         "/cookies/samesite", "/cookies/samesite/echo"]


def korean_text(html):
    """The text nodes of a page's main part as a Korean reader meets them,
    `code` runs replaced. A Korean page has no English alternative any
    more (issue 14: one language at a time): no element is marked
    lang="en"."""
    main = html.split('<section class="wire"')[0].split("<main", 1)[1]
    assert ' lang="en"' not in main
    main = re.sub(r"<code\b[^>]*>.*?</code>", "`…`", main, flags=re.S)
    main = re.sub(r"<script\b.*?</script>", "", main, flags=re.S)
    nodes = [unescape(t).strip() for t in re.split(r"<[^>]+>", main)]
    return [t for t in nodes[1:] if t]


@pytest.mark.parametrize("path", PAGES)
def test_korean_pages_have_no_english_sentences(site, path):
    """On a Korean page every text a Korean reader meets is Korean (or a
    technical name), and no cryptic shorthand is left."""
    r = Client(site, accept_language="ko").get(
        path, headers={"Cookie": "lang=ko; theme=dark; hello=Kim"},
        cookies=False)
    assert '<html lang="ko"' in r.text
    html = r.text
    if path == "/":
        # Only the cookie lessons' part: the notice and the lesson list
        # (the session and token lessons have their own strings).
        start = html.index('<aside class="notice"')
        end = html.index('<ul class="lessons">', html.index(
            '<ul class="lessons">') + 1)
        html = "<main>" + html[start:end]
    nodes = korean_text(html)
    assert len(nodes) >= 3
    for text in nodes:
        for bad in ("당신", "budget", "(insecure)", "(signed)", "seed 0",
                    "bytes as a header", "kept ·"):
            assert bad not in text, (bad, text)
        assert not english_run(text), text
