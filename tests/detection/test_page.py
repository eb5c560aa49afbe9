"""The shared parse: of text or UTF-8 bytes; references resolve as urljoin does; no comments."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from lxml.etree import tostring

from crawler.detection.page import ParsedPage, clean_url

TRICKY = [
    "https://X.com/Stadt",
    "https://www.facebook.com/stadt?ref=ts",
    "http://www.dhs.state.il.us/page.aspx?",
    "https://regalkes.kemkes.go.id/#",
    "https://#",
    "/impressum/",
    "/a/../b/./c",
    "//cdn.example.org/lib.js",
    "kontakt.html",
    "../oben.html",
    "?seite=2",
    "#top",
    " /mit-leerzeichen ",
    "/zeilen\numbruch",
    "HTTPS://WWW.STADT.DE/",
    "mailto:rathaus@stadt.de",
    "javascript:void(0)",
    "/pfad\\mit\\backslash",
    "",
    "seite.html",
    "a/b/c.html",
    "a/b.php?id=3&x=1",
    "seite.html?u=../x",
    "a?b//c",
    "a//b.html",
    "x;p=1",
    "..a/b",
    "./x",
    "abc:def/x",
    "\x01seite.html",
    "/\x01seite.html",
    "seite\u00a0x.html",
    "~user/",
    "%7Euser/x",
    "ümlaut.html",
    "-x",
    "a/",
]
BASES = [
    "https://www.stadt.de/a/b.html",
    "http://www.x.de:8080/q/?a=1",
    "https://www.stadt.de",
    "https://www.stadt.de/x/./y//z.html;p?q=1#f",
    "https://www.stadt.de/a/../b/",
    "about:blank",
]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("raw", TRICKY)
def test_url_refs_resolve_like_urljoin(base: str, raw: str) -> None:
    page = ParsedPage.from_html(f'<a href="{raw}">x</a>', base)
    refs = page.url_refs
    if not raw:
        assert refs == ()
        return
    assert refs[0].url == urljoin(base, clean_url(raw))


def test_base_href_is_honoured() -> None:
    page = ParsedPage.from_html(
        '<head><base href="/de/"></head><a href="kontakt/">k</a><a href="/x">x</a>',
        "https://www.stadt.de/start",
    )
    assert [ref.url for ref in page.url_refs if ref.tag == "a"] == [
        "https://www.stadt.de/de/kontakt/",
        "https://www.stadt.de/x",
    ]


def test_commented_out_markup_and_text_are_not_references() -> None:
    page = ParsedPage.from_html(
        '<!-- <a href="https://www.facebook.com/alt">alt</a> --><p>facebook.com/text</p>'
        '<div data-src="https://www.youtube.com/embed/x"></div><div data-title="kein Link"></div>',
        "https://www.stadt.de/",
    )
    assert [(ref.tag, ref.attribute, ref.url) for ref in page.url_refs] == [
        ("div", "data-src", "https://www.youtube.com/embed/x")
    ]


@pytest.mark.parametrize(
    "body",
    [
        '<title>Grüße</title><a href="https://www.facebook.com/stadt">f</a>'.encode(),
        b"\xef\xbb\xbf<title>BOM</title>",  # a UTF-8 byte order mark, which Scrapy's text drops
        b"<title>caf\xe9 \xff</title>",  # not UTF-8: replacement characters, as in Scrapy's text
        b"",
    ],
)
def test_utf8_bytes_parse_as_their_text(body: bytes) -> None:
    text = body.decode("utf-8", "replace").removeprefix("\ufeff")
    from_bytes = ParsedPage.from_html(body, "https://www.stadt.de/")
    from_text = ParsedPage.from_html(text, "https://www.stadt.de/")
    assert tostring(from_bytes.root) == tostring(from_text.root)
    assert [ref[:4] for ref in from_bytes.url_refs] == [ref[:4] for ref in from_text.url_refs]


def test_a_fragment_is_looked_for_in_the_source_bytes_or_text() -> None:
    html = '<div class="shariff">Teilen</div>'
    for source in (html, html.encode()):
        page = ParsedPage.from_html(source, "https://www.stadt.de/")
        assert page.may_contain("shariff")
        assert not page.may_contain("sharif-button")
    without_source = ParsedPage(ParsedPage.from_html(html, "https://a.de/").root, "https://a.de/")
    assert without_source.may_contain("anything")  # unknown source: the tree must be searched
