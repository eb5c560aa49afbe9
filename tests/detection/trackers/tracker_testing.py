"""Helpers of the tracker tests: fixture pages, the golden comparison, the corpus labels."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from crawler.detection.page import ParsedPage
from crawler.detection.trackers import detect_trackers

GOLDEN_DIR = Path(__file__).parent / "golden"
CORPUS_LABELS = Path(__file__).parent / "corpus_labels.json"
PAGE_URL = "https://www.example-stadt.de/aktuelles/"
# GOVSOCIAL_UPDATE_GOLDEN=1 rewrites expected files from the current output; review the diff.
UPDATE = os.environ.get("GOVSOCIAL_UPDATE_GOLDEN") == "1"


def tracker_json(html: str, url: str = PAGE_URL) -> list[dict[str, Any]]:
    """Detected trackers of ``html`` as the JSON ``govsocial inspect`` prints."""
    hits = detect_trackers(ParsedPage.from_html(html, url))
    return json.loads(json.dumps([asdict(hit) for hit in hits]))


def golden(name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(actual, expected) findings of ``golden/<name>.html`` and ``<name>.expected.json``."""
    actual = tracker_json((GOLDEN_DIR / f"{name}.html").read_text(encoding="utf-8"))
    expected_path = GOLDEN_DIR / f"{name}.expected.json"
    if UPDATE:
        expected_path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    return actual, json.loads(expected_path.read_text(encoding="utf-8"))
