"""The catalogue file validates at import; broken entries are refused with a precise message."""

from __future__ import annotations

import copy
import re
import tomllib
from typing import Any

import pytest

from crawler.detection.trackers import CATALOGUE
from crawler.detection.trackers.catalogue import (
    CATALOGUE_PATH,
    REQUIRED_IDS,
    CatalogueError,
    parse_catalogue,
)

DOCUMENT: dict[str, Any] = tomllib.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))


def _broken(change: dict[str, Any], index: int = 0) -> dict[str, Any]:
    document = copy.deepcopy(DOCUMENT)
    document["tracker"][index].update(change)
    return document


def test_catalogue_holds_every_required_id_with_a_source() -> None:
    assert {spec.id for spec in CATALOGUE.trackers} >= REQUIRED_IDS
    cited = re.compile(r"FACTS|\[(?:official|observed)")
    assert all(cited.search(spec.source) for spec in CATALOGUE.trackers)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"category": "misc"}, "category"),
        ({"third_country": "yes"}, "third_country"),
        ({"url": [{"hosts": ["Connect.Facebook.net"]}]}, "lower-case host"),
        ({"url": [{"hosts": ["a.example"], "segments": ["a.js"]}]}, "either hosts or segments"),
        ({"script": [{"contains": "x", "pattern": "("}]}, "bad regex"),
        ({"ids": [{"from": "url", "pattern": "id=\\d+"}]}, "capture group"),
        ({"dom": [{"attribute": "data-x"}]}, "tag"),
        ({"url": [], "script": [], "dom": []}, "at least one"),
        ({"colour": "blue"}, "unknown keys"),
        ({"ids": [{"from": "script", "pattern": "'(\\w+)'", "decode": "base64"}]}, "inner"),
        ({"ids": [{"from": "script", "pattern": "'(\\w+)'", "inner": "id=(\\w+)"}]}, "base64"),
        ({"ids": [{"from": "url", "pattern": "id=(\\w+)", "if_url": "x"}]}, "attribute ids"),
    ],
)
def test_broken_entry_is_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(_broken(change))


def test_duplicate_ids_are_refused() -> None:
    document = _broken({"id": DOCUMENT["tracker"][1]["id"]})
    with pytest.raises(CatalogueError, match="duplicate"):
        parse_catalogue(document)


def test_missing_required_id_is_refused() -> None:
    document = copy.deepcopy(DOCUMENT)
    document["tracker"] = [t for t in document["tracker"] if t["id"] != "shariff"]
    with pytest.raises(CatalogueError, match="shariff"):
        parse_catalogue(document)
