"""Precision and recall of profile-account extraction on the hand-labelled corpus pages.

Run: ``.venv/bin/python -m benchmarks.social_accuracy`` (reads ../shared/corpus, or
$GOVSOCIAL_SHARED). An account counts when the page yields a profile link with that
(platform, handle) key; unresolved links (no handle) never count.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

from crawler.detection.page import ParsedPage
from crawler.detection.social import detect_social_links

REPO_ROOT = Path(__file__).resolve().parents[1]
LABELS = REPO_ROOT / "tests" / "detection" / "social" / "corpus_labels.json"
SHARED_DIR = Path(os.environ.get("GOVSOCIAL_SHARED", REPO_ROOT.parent / "shared"))
TIMING_ROUNDS = 20


def predicted_accounts(page: ParsedPage) -> set[str]:
    """``platform/handle`` of every resolved profile link of the page."""
    return {
        f"{link.platform}/{link.handle}"
        for link in detect_social_links(page)
        if link.link_kind == "profile" and link.handle is not None
    }


def _median_ms(html: str, url: str) -> float:
    """Median time of parsing plus extraction; the parse is shared with other detectors."""
    samples = []
    for _ in range(TIMING_ROUNDS):
        start = time.perf_counter()
        detect_social_links(ParsedPage.from_html(html, url))
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _median_extract_ms(page: ParsedPage) -> float:
    """Median time of the extraction alone on an already parsed page (URL refs cached)."""
    page.url_refs  # noqa: B018 - built once by the parse step every detector shares
    samples = []
    for _ in range(TIMING_ROUNDS):
        start = time.perf_counter()
        detect_social_links(page)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> int:
    """Print per-page errors, then precision, recall and timing."""
    corpus = SHARED_DIR / "corpus"
    if not corpus.is_dir():
        print(f"shared corpus not found at {corpus} (set GOVSOCIAL_SHARED)", file=sys.stderr)
        return 2
    pages = json.loads(LABELS.read_text("utf-8"))["pages"]
    true_positive = false_positive = false_negative = 0
    total_ms: list[float] = []
    extract_per_100kb: list[float] = []
    for name, label in sorted(pages.items()):
        html = (corpus / name).read_text("utf-8", errors="replace")
        page = ParsedPage.from_html(html, label["url"])
        expected = set(label["accounts"])
        found = predicted_accounts(page)
        true_positive += len(found & expected)
        false_positive += len(found - expected)
        false_negative += len(expected - found)
        for key in sorted(found - expected):
            print(f"FP {name}: {key}")
        for key in sorted(expected - found):
            print(f"FN {name}: {key}")
        total_ms.append(_median_ms(html, label["url"]))
        extract_per_100kb.append(_median_extract_ms(page) * 100_000 / max(len(html.encode()), 1))
    claimed = true_positive + false_positive
    precision = true_positive / claimed if claimed else 1.0
    recall = true_positive / (true_positive + false_negative)
    print(f"pages: {len(pages)}  labelled accounts: {true_positive + false_negative}")
    print(
        f"true positives: {true_positive}  false positives: {false_positive}  "
        f"false negatives: {false_negative}"
    )
    print(f"precision: {precision:.4f}  recall: {recall:.4f}")
    print(f"median parse+extract per page: {statistics.median(total_ms):.2f} ms")
    print(f"median extract (parsed page) per 100 KB: {statistics.median(extract_per_100kb):.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
