"""Hand-labelled real pages of ../shared/corpus as golden tests (skipped where it is absent)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tracker_testing import CORPUS_LABELS, tracker_json

LABELS: dict[str, Any] = json.loads(CORPUS_LABELS.read_text(encoding="utf-8"))["pages"]


def _found(corpus: Path, name: str) -> dict[str, dict[str, Any]]:
    html = (corpus / name).read_text(encoding="utf-8", errors="replace")
    return {
        hit["id"]: {"ids": hit["ids"], "consent_gated": hit["consent_gated"]}
        for hit in tracker_json(html, LABELS[name]["url"])
    }


def test_labels_cover_at_least_thirty_pages() -> None:
    assert len(LABELS) >= 30


@pytest.mark.parametrize("name", sorted(LABELS))
def test_labelled_corpus_page(shared_dir: Path, name: str) -> None:
    assert _found(shared_dir / "corpus", name) == LABELS[name]["trackers"]
