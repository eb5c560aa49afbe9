"""Tracker detection on the hand-labelled corpus: precision/recall per category, ids, speed.

Run: ``.venv/bin/python -m benchmarks.tracker_accuracy [--corpus ../shared/corpus]``.
Labels: tests/detection/trackers/corpus_labels.json. Speed: median over pages of the best of
``--repeat`` runs, with the parse and ParsedPage's shared URL/inline-code extraction timed apart
from the detectors (every detector reads them, so they are not this detector's cost).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from crawler.detection.page import ParsedPage
from crawler.detection.thirdparty import third_party_hosts
from crawler.detection.trackers import CATALOGUE, detect_trackers

REPO_ROOT = Path(__file__).resolve().parents[1]
LABELS_PATH = REPO_ROOT / "tests" / "detection" / "trackers" / "corpus_labels.json"
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
CATEGORY = {spec.id: spec.category for spec in CATALOGUE.trackers}


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.3f}" if denominator else "n/a"


def _best_time(function: Any, html: str, url: str, repeat: int, warm: bool) -> float:
    """Best time of ``function(page)`` over fresh parses; ``warm`` pre-extracts the shared parts."""
    best = float("inf")
    for _ in range(repeat):
        page = ParsedPage.from_html(html, url)
        if warm:  # URL refs and inline code are shared by every detector, so time them apart
            _ = page.url_refs, page.inline_scripts, page.inline_styles
        start = time.perf_counter()
        function(page)
        best = min(best, time.perf_counter() - start)
    return best


def _best_parse_time(html: str, url: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        ParsedPage.from_html(html, url)
        best = min(best, time.perf_counter() - start)
    return best


def _median_ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:.2f} ms"


def _per_100kb(seconds: list[float], sizes: list[int]) -> str:
    return _median_ms([t / size * 100_000 for t, size in zip(seconds, sizes, strict=True)])


def _shared_parts(page: ParsedPage) -> None:
    _ = page.url_refs, page.inline_scripts, page.inline_styles


def evaluate(corpus: Path, labels: dict[str, Any], repeat: int) -> list[str]:
    """The report lines (Markdown) for the labelled pages found in ``corpus``."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    ids = Counter[str]()
    gated_agree = gated_total = 0
    timings: dict[str, list[float]] = {"parse": [], "shared": [], "trackers": [], "third_party": []}
    sizes: list[int] = []
    for name, label in sorted(labels.items()):
        html = (corpus / name).read_text(encoding="utf-8", errors="replace")
        url = label["url"]
        hits = {hit.id: hit for hit in detect_trackers(ParsedPage.from_html(html, url))}
        expected = label["trackers"]
        for tracker_id in hits.keys() | expected.keys():
            category = CATEGORY.get(tracker_id, "unknown")
            if tracker_id in hits and tracker_id in expected:
                tp[category] += 1
                found_ids, wanted_ids = set(hits[tracker_id].ids), set(expected[tracker_id]["ids"])
                ids["tp"] += len(found_ids & wanted_ids)
                ids["fp"] += len(found_ids - wanted_ids)
                ids["fn"] += len(wanted_ids - found_ids)
                gated_total += 1
                gated_agree += (
                    hits[tracker_id].consent_gated == expected[tracker_id]["consent_gated"]
                )
            elif tracker_id in hits:
                fp[category] += 1
            else:
                fn[category] += 1
        sizes.append(len(html.encode("utf-8")))
        timings["parse"].append(_best_parse_time(html, url, repeat))
        timings["shared"].append(_best_time(_shared_parts, html, url, repeat, warm=False))
        timings["trackers"].append(_best_time(detect_trackers, html, url, repeat, warm=True))
        timings["third_party"].append(_best_time(third_party_hosts, html, url, repeat, warm=True))
    lines = [
        f"Pages: {len(labels)} labelled; catalogue entries: {len(CATALOGUE.trackers)}; "
        f"labelled tracker occurrences: {sum(tp.values()) + sum(fn.values())}.",
        "",
        "| category | TP | FP | FN | precision | recall |",
        "|---|---|---|---|---|---|",
    ]
    for category in sorted(tp.keys() | fp.keys() | fn.keys()):
        t, f, n = tp[category], fp[category], fn[category]
        lines.append(f"| {category} | {t} | {f} | {n} | {_ratio(t, t + f)} | {_ratio(t, t + n)} |")
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    lines.append(f"| **all** | {t} | {f} | {n} | {_ratio(t, t + f)} | {_ratio(t, t + n)} |")
    lines += [
        "",
        f"Account ids (on correctly detected trackers): {ids['tp']} right, {ids['fp']} extra, "
        f"{ids['fn']} missed; precision {_ratio(ids['tp'], ids['tp'] + ids['fp'])}, "
        f"recall {_ratio(ids['tp'], ids['tp'] + ids['fn'])}. "
        f"consent_gated agrees on {gated_agree}/{gated_total}.",
        "",
        f"Speed, median over pages of the best of {repeat} runs (median page "
        f"{statistics.median(sizes) / 1000:.0f} KB): {_median_ms(timings['parse'])} parse "
        f"(lxml, outside detection); {_median_ms(timings['shared'])} ParsedPage.url_refs + "
        f"inline code (page.py, shared by all detectors); detect_trackers "
        f"{_median_ms(timings['trackers'])} ({_per_100kb(timings['trackers'], sizes)} per 100 KB); "
        f"third_party_hosts {_median_ms(timings['third_party'])}.",
        f"Machine: {platform.machine()}, {platform.processor() or 'unknown CPU'}, "
        f"Python {platform.python_version()}.",
    ]
    return lines


def main() -> None:
    """Print the Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--labels", type=Path, default=LABELS_PATH)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    if not options.corpus.is_dir():
        parser.exit(2, f"corpus not found at {options.corpus}\n")
    labels = json.loads(options.labels.read_text(encoding="utf-8"))["pages"]
    print("\n".join(evaluate(options.corpus, labels, options.repeat)))


if __name__ == "__main__":
    main()
