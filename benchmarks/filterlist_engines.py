"""Compare the ``adblock`` and ``braveblock`` engines on the corpus's resource URLs.

Run: ``.venv/bin/python -m benchmarks.filterlist_engines --list LIST.txt`` (braveblock must be
installed by hand; it is not a dependency). Without ``--list`` it reads the EasyPrivacy copy
bundled inside the braveblock wheel, only to measure; nothing is copied into the repository.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib
import importlib.resources
import time
from pathlib import Path
from typing import Any

from crawler.detection.page import ParsedPage
from crawler.detection.trackers.resources import page_resources

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _requests(corpus: Path) -> list[tuple[str, str, str]]:
    with (corpus / "SOURCES.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    requests = []
    for row in rows:
        html = (corpus / row["file"]).read_text(encoding="utf-8", errors="replace")
        page = ParsedPage.from_html(html, row["site_url"].split(" ")[0])
        requests += [
            (resource.url, page.url, resource.request_type)
            for resource in page_resources(page)
            if resource.kind == "loaded"
        ]
    return requests


def _timed(check: Any, requests: list[tuple[str, str, str]]) -> tuple[list[Any], float]:
    start = time.perf_counter()
    results = [check(url, source, kind) for url, source, kind in requests]
    return results, (time.perf_counter() - start) / len(requests) * 1e6


def main() -> None:
    """Print verdict agreement, hit counts and time per request of both engines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--list", type=Path, help="an Adblock Plus list (default: see docstring)")
    options = parser.parse_args()
    adblock = importlib.import_module("adblock")
    braveblock = importlib.import_module("braveblock")
    if options.list:
        text = options.list.read_text(encoding="utf-8")
    else:
        bundled = importlib.resources.files("braveblock").joinpath("easyprivacy.txt.gz")
        text = gzip.decompress(bundled.read_bytes()).decode("utf-8")
    header = [line for line in text.splitlines()[:12] if line.startswith("! Version")]
    requests = _requests(options.corpus)
    engines: dict[str, Any] = {}
    for optimize in (False, True):
        filter_set = adblock.FilterSet(debug=True)
        filter_set.add_filter_list(text, "standard")
        engines[f"adblock optimize={optimize}"] = adblock.Engine(
            filter_set=filter_set, optimize=optimize
        ).check_network_urls
    blocker = braveblock.Adblocker(
        rules=text.splitlines(), include_easylist=False, include_easyprivacy=False
    )
    engines["braveblock"] = lambda url, source, kind: blocker.check_network_urls(
        url=url, source_url=source, request_type=kind
    )
    results = {name: _timed(check, requests) for name, check in engines.items()}
    print(f"list {header}; {len(requests)} resource requests from {options.corpus}")
    verdicts = {}
    for name, (found, micros) in results.items():
        verdicts[name] = [bool(getattr(r, "matched", r)) for r in found]
        print(f"{name}: {sum(verdicts[name])} matched, {micros:.1f} us per request")
    plain, optimized = results["adblock optimize=False"][0], results["adblock optimize=True"][0]
    differing = sum(
        a.filter != b.filter for a, b in zip(plain, optimized, strict=True) if a.matched
    )
    disagree = sum(
        a != b
        for a, b in zip(verdicts["adblock optimize=False"], verdicts["braveblock"], strict=True)
    )
    print(f"verdicts differing adblock vs braveblock: {disagree}")
    print(f"hits whose reported rule differs with optimize=True: {differing}")


if __name__ == "__main__":
    main()
