"""Golden pairs for social extraction: ``name.html`` beside ``name.expected.json``."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from crawler.detection.page import ParsedPage
from crawler.detection.social import detect_social_links

GOLDEN_DIR = Path(__file__).parent / "golden"
# Set to rewrite expected files from the current output; review the diff before committing.
UPDATE = os.environ.get("GOVSOCIAL_UPDATE_GOLDEN") == "1"


def golden_names() -> list[str]:
    """Every golden pair in the golden directory, by name."""
    return sorted(path.name.removesuffix(".html") for path in GOLDEN_DIR.glob("*.html"))


def extract(html: str, url: str) -> dict[str, Any]:
    """The extractor's output for one page, as the JSON compared against expected files."""
    links = detect_social_links(ParsedPage.from_html(html, url))
    return {"url": url, "links": [asdict(link) for link in links]}


def load_golden(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Load a golden pair and return (actual, expected); the page URL is the expected file's."""
    expected_path = GOLDEN_DIR / f"{name}.expected.json"
    expected = json.loads(expected_path.read_text("utf-8"))
    actual = extract((GOLDEN_DIR / f"{name}.html").read_text("utf-8"), expected["url"])
    if UPDATE:
        text = json.dumps(actual, indent=2, ensure_ascii=False) + "\n"
        expected_path.write_text(text, "utf-8")
        return actual, actual
    return actual, expected
