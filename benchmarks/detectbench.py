"""Per-page costs over the real corpus: parsing, detection and link ranking, per 100 KB."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from crawler.analysis.linkrank import rank_links
from crawler.detection.detect import detect_page
from crawler.detection.domains import url_domain
from crawler.detection.page import ParsedPage

HUNDRED_KB = 100 * 1024


@dataclass(frozen=True, slots=True)
class Timing:
    """Median and 95th percentile of one step, in milliseconds per 100 KB of HTML."""

    step: str
    median_ms: float
    p95_ms: float
    pages: int


def corpus_pages(corpus: Path) -> list[tuple[str, str, int]]:
    """``(html, url, bytes)`` of each corpus page, its URL taken from SOURCES.tsv."""
    urls: dict[str, str] = {}
    for line in (corpus / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.split("\t")
        urls[fields[0]] = fields[1]
    pages = []
    for path in sorted(corpus.glob("*.html")):
        raw = path.read_bytes()
        url = urls.get(path.name, "https://example.de/")
        pages.append((raw.decode("utf-8", "replace"), url, len(raw)))
    return pages


def _best_of(repeats: int, step: Callable[[], object]) -> float:
    """Shortest of ``repeats`` runs in seconds: the least disturbed by other processes."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - started)
    return best


def _summary(step: str, per_100kb: list[float]) -> Timing:
    ordered = sorted(per_100kb)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return Timing(step, statistics.median(ordered) * 1000, p95 * 1000, len(ordered))


def page_costs(html: str, url: str, repeats: int) -> dict[str, float]:
    """Seconds per step for one page; URL references are extracted once, as in the crawl."""
    costs = {"parse": _best_of(repeats, partial(ParsedPage.from_html, html, url))}
    # How the crawl hands over a UTF-8 page: its bytes, parsed without a round trip through text.
    encoded = html.encode("utf-8")
    costs["parse utf-8 bytes"] = _best_of(repeats, partial(ParsedPage.from_html, encoded, url))
    fresh = [ParsedPage.from_html(html, url) for _ in range(repeats)]
    costs["url refs"] = _best_of(repeats, lambda: fresh.pop().url_refs)
    page = ParsedPage.from_html(html, url)
    page.url_refs  # noqa: B018 - extracted before detect and rank, as in the crawl
    costs["detect"] = _best_of(repeats, partial(detect_page, page))
    costs["rank links"] = _best_of(repeats, partial(rank_links, page, frozenset({url_domain(url)})))
    return costs


def measure(corpus: Path, repeats: int = 5) -> list[Timing]:
    """Each step's cost per 100 KB over every corpus page (best of ``repeats`` per page)."""
    steps: dict[str, list[float]] = {}
    for html, url, size in corpus_pages(corpus):
        for step, seconds in page_costs(html, url, repeats).items():
            steps.setdefault(step, []).append(seconds * HUNDRED_KB / size)
    return [_summary(step, values) for step, values in steps.items()]
