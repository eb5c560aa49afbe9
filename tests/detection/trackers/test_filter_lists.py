"""Adblock Plus filter lists (a small list written for these tests) matched with ``adblock``."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.detection.filterlists import (
    count_network_rules,
    load_filter_list,
    match_filter_lists,
    parse_filter_list,
)
from crawler.detection.findings import FilterListHit
from crawler.detection.page import ParsedPage

PAGE_URL = "https://www.stadt-beispiel.de/rathaus/"
TEST_LIST = """[Adblock Plus 2.0]
! Title: govsocial test list
! Version: 202611270900
! Written for the govsocial tests; not derived from any published list.
||google-analytics.com^$third-party
||googletagmanager.com^$script
/matomo.php$image
@@||cdn.example.org/allowed/*
||cdn.example.org^
stadt-beispiel.de##.werbung
"""
PAGE = """<html><body>
<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
<img src="https://www.google-analytics.com/collect?v=1">
<img src="https://analytics.stadt-beispiel.de/matomo.php?idsite=1&rec=1">
<script src="https://analytics.stadt-beispiel.de/matomo.php"></script>
<script src="https://cdn.example.org/allowed/lib.js"></script>
<script src="https://cdn.example.org/blocked.js"></script>
<a href="https://www.google-analytics.com/">Link</a>
<link rel="preconnect" href="https://cdn.example.org">
</body></html>"""


def _hits(text: str = TEST_LIST, html: str = PAGE) -> list[FilterListHit]:
    page = ParsedPage.from_html(html, PAGE_URL)
    return match_filter_lists(page, [parse_filter_list(text, default_name="test.txt")])


def test_list_header_gives_name_version_and_network_rule_count() -> None:
    filter_list = parse_filter_list(TEST_LIST, default_name="test.txt")
    assert (filter_list.name, filter_list.version, filter_list.rule_count) == (
        "govsocial test list",
        "202611270900",
        5,
    )


def test_list_without_header_is_named_by_file_and_versioned_by_hash(tmp_path: Path) -> None:
    path = tmp_path / "eigene-liste.txt"
    path.write_text("||tracker.example^\n", encoding="utf-8")
    filter_list = load_filter_list(path)
    assert (filter_list.name, filter_list.version[:7]) == ("eigene-liste.txt", "sha256:")


def test_hits_carry_list_version_resource_and_matched_rule() -> None:
    v = "202611270900"
    name = "govsocial test list"
    assert _hits() == [
        FilterListHit(
            name,
            v,
            "https://www.googletagmanager.com/gtag/js?id=G-1",
            "||googletagmanager.com^$script",
        ),
        FilterListHit(
            name,
            v,
            "https://www.google-analytics.com/collect?v=1",
            "||google-analytics.com^$third-party",
        ),
        FilterListHit(
            name,
            v,
            "https://analytics.stadt-beispiel.de/matomo.php?idsite=1&rec=1",
            "/matomo.php$image",
        ),
        FilterListHit(name, v, "https://cdn.example.org/blocked.js", "||cdn.example.org^"),
    ]


def test_third_party_option_uses_page_url_as_source() -> None:
    first_party = '<img src="https://stats.stadt-beispiel.de/x.gif">'
    rules = "||stats.stadt-beispiel.de^$third-party\n"
    assert _hits(rules, f"<html><body>{first_party}</body></html>") == []


@pytest.mark.parametrize(
    ("line", "counted"),
    [("! comment", 0), ("[Adblock Plus 2.0]", 0), ("example.org##.ad", 0), ("||a.example^", 1)],
)
def test_only_network_rules_are_counted(line: str, counted: int) -> None:
    assert count_network_rules(line) == counted


def test_no_lists_no_hits() -> None:
    assert match_filter_lists(ParsedPage.from_html(PAGE, PAGE_URL), []) == []
