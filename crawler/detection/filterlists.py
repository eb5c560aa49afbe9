"""Optional Adblock Plus filter lists (e.g. EasyPrivacy) matched against a page's resource URLs.

Engine: the ``adblock`` package (Python bindings to Brave's adblock-rust, installed with the
``filterlists`` extra). It was preferred over ``braveblock`` because it reports the matching
rule text (with ``FilterSet(debug=True)``), which every stored hit must carry; the comparison is
in benchmarks/RESULTS.md. No list is shipped: users supply their own and its licence
(EasyPrivacy: GPL-3.0 or CC BY-SA 3.0) stays theirs.

API::

    lists = [load_filter_list(Path("easyprivacy.txt"))]   # once per crawl, not per page
    lists[0].name, lists[0].version, lists[0].rule_count  # from "! Title:" / "! Version:"
    hits = match_filter_lists(page, lists)                # -> list[FilterListHit]
    hits = match_filter_lists(page, lists, requests)      # a rendered page: its requests too

Each resource the page loads (``trackers.resources`` kind ``loaded``: scripts, images, frames,
stylesheets, media, inline-style URLs) is checked once per list with its request type
(``script``, ``image``, ``subdocument``, ``stylesheet``, ``media``, ``object``, ``font``,
``other``) and the page URL as source, so ``$third-party`` and ``$script`` options apply.
A rendered page's requests (``trackers.resources.requested_resources``) are checked after them
with Chromium's resource type in the engine's terms (``xhr`` and ``fetch`` as
``xmlhttprequest``, a frame's ``document`` as ``subdocument``).
Exception rules (``@@``) win as in browsers. A list without a ``! Version:`` header is
versioned by the SHA-256 of its text (``sha256:<12 hex>``), so stored hits stay traceable.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from crawler.detection.findings import FilterListHit
from crawler.detection.page import ParsedPage
from crawler.detection.trackers import CATALOGUE
from crawler.detection.trackers.resources import Resource, page_resources

_HEADER = re.compile(r"^!\s*(Title|Version)\s*:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_COSMETIC_MARKERS = ("##", "#@#", "#?#", "#$#", "#%#")


class FilterListUnavailableError(RuntimeError):
    """The ``adblock`` package (the ``filterlists`` extra) is not installed."""


@dataclass(frozen=True, slots=True)
class FilterList:
    """A parsed filter list: its name, version, number of network rules and compiled engine."""

    name: str
    version: str
    rule_count: int
    engine: Any = field(repr=False, compare=False)


def _adblock() -> Any:
    try:
        import adblock  # noqa: PLC0415 - optional dependency, only needed when a list is given
    except ImportError as error:
        raise FilterListUnavailableError(
            "filter lists need the 'adblock' package: pip install 'govsocial[filterlists]'"
        ) from error
    return adblock


def count_network_rules(text: str) -> int:
    """Lines that are network filters: not comments, headers, blank or element-hiding rules."""
    count = 0
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith(("!", "[")):
            continue
        if any(marker in line for marker in _COSMETIC_MARKERS):
            continue
        count += 1
    return count


def parse_filter_list(text: str, default_name: str) -> FilterList:
    """Compile the text of an Adblock Plus list; name and version come from its header."""
    adblock = _adblock()
    header = {key.lower(): value for key, value in _HEADER.findall(text[:4096])}
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    filter_set = adblock.FilterSet(debug=True)  # debug keeps the rule text for each match
    filter_set.add_filter_list(text, "standard")
    return FilterList(
        name=header.get("title", default_name),
        version=header.get("version", f"sha256:{digest}"),
        rule_count=count_network_rules(text),
        engine=adblock.Engine(filter_set=filter_set, optimize=False),
    )


def load_filter_list(path: Path) -> FilterList:
    """Read a filter list file (UTF-8); its file name is the name when the header has none."""
    return parse_filter_list(path.read_text(encoding="utf-8"), default_name=path.name)


def match_filter_lists(
    page: ParsedPage, lists: list[FilterList], requests: Iterable[Resource] = ()
) -> list[FilterListHit]:
    """One hit per list and resource URL that a blocking rule (and no exception) matches."""
    if not lists:
        return []
    checked = {
        (resource.url, resource.request_type): None
        for resource in chain(page_resources(page, CATALOGUE.consent), requests)
        if resource.kind in ("loaded", "requested")
    }
    hits: list[FilterListHit] = []
    for filter_list in lists:
        matched_urls: set[str] = set()
        for url, request_type in checked:
            if url in matched_urls:
                continue
            result = filter_list.engine.check_network_urls(url, page.url, request_type)
            if result.matched and result.filter:
                matched_urls.add(url)
                hits.append(
                    FilterListHit(filter_list.name, filter_list.version, url, result.filter)
                )
    return hits
