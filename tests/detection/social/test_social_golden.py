"""Golden pages per platform: positives and near-misses, compared whole against expected JSON."""

from __future__ import annotations

import json

import pytest
from social_golden import GOLDEN_DIR, golden_names

from crawler.detection.social import load_catalogue


@pytest.mark.parametrize("name", golden_names())
def test_golden_page(golden, name: str) -> None:
    actual, expected = golden(name)
    assert actual == expected


def test_every_catalogue_rule_fires_in_a_golden_page() -> None:
    """Each rule fires on a real thing in a golden page (its near-misses sit in the same page)."""
    fired: set[str] = set()
    for path in GOLDEN_DIR.glob("*.expected.json"):
        for link in json.loads(path.read_text("utf-8"))["links"]:
            for part in link["evidence"]["rule"].split(">"):
                fired.add(part.split("+")[0])
    catalogue = load_catalogue()
    silent = {  # rules that only ever say "not a social link"; their near-misses are in the pages
        rule.id
        for platform in catalogue.platforms.values()
        for rule in platform.rules
        if rule.kind == "ignore" and rule.unwrap is None
    }
    assert catalogue.rule_ids - silent - fired == set()
