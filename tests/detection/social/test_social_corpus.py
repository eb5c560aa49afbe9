"""Hand-labelled real pages of ../shared/corpus: the profile accounts each page links to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.detection.page import ParsedPage
from crawler.detection.social import detect_social_links

LABELS = json.loads((Path(__file__).parent / "corpus_labels.json").read_text("utf-8"))["pages"]


def test_labels_cover_at_least_thirty_pages() -> None:
    assert len(LABELS) >= 30


def test_every_german_corpus_page_is_labelled(shared_dir: Path) -> None:
    german = {path.name for path in (shared_dir / "corpus").glob("de_*.html")}
    assert german - set(LABELS) == set()


@pytest.mark.parametrize("name", sorted(LABELS))
def test_corpus_page_accounts(shared_dir: Path, name: str) -> None:
    label = LABELS[name]
    html = (shared_dir / "corpus" / name).read_text("utf-8", errors="replace")
    links = detect_social_links(ParsedPage.from_html(html, label["url"]))
    profiles = [link for link in links if link.link_kind == "profile" and link.handle]
    found = sorted({f"{link.platform}/{link.handle}" for link in profiles})
    assert found == label["accounts"]
