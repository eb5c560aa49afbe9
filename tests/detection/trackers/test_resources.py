"""A resource URL's parts and host, read by slicing where urlsplit would give the same."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.detectbench import corpus_pages
from crawler.detection.page import ParsedPage
from crawler.detection.trackers.resources import _web_parts

TRICKY = [
    "https://www.googletagmanager.com/gtag/js?id=G-X1",
    "https://WWW.Example.ORG/Path/?Q=1#Frag",
    "http://user:pw@cdn.example.org:8080/a.js",
    "https://cdn.example.org?x=1/2#y?z",
    "https://cdn.example.org#top",
    "https://cdn.example.org",
    "https://:80/a.js",
    "https://@/x",
    "https:///path-only",
    "https://a.de/ä.png",
    "https://a.de/x y.png",
    "https://a.de/\x7f.png",
    "https://[2001:db8::1]:443/a.js",
    "https://[2001:db8::1/a.js",
    "https://a.de%ZZ/x",
    "https://fe80::1%25EN0/x",
    "HTTPS://A.DE/x",
    "https://a.de/x\\y",
    "https://a.de/;p?q",
]


def expected(url: str) -> tuple[object, str] | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts, parts.hostname


@pytest.mark.parametrize("url", TRICKY)
def test_parts_and_host_are_urlsplits(url: str) -> None:
    assert _web_parts(url) == expected(url)


def test_every_corpus_reference_splits_as_urlsplit_splits_it(shared_dir: Path) -> None:
    urls = {
        ref.url
        for html, url, _ in corpus_pages(shared_dir / "corpus")
        for ref in ParsedPage.from_html(html, url).url_refs
    }
    assert len(urls) > 10_000
    assert [url for url in sorted(urls) if _web_parts(url) != expected(url)] == []
