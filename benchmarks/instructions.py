"""Instructions per page of each analysis step over the corpus, counted by callgrind.

On a shared virtual machine, wall-clock medians of the same code moved by 30-40% from one run
to the next (benchmarks/RESULTS.md). Instruction counts do not: callgrind gives the
same total for the same program and input whatever else the machine is doing. Each step is
counted as the difference between two runs of this module under callgrind, one that only
prepares the step's input and one that also runs the step once over every corpus page.

Run as ``python -m benchmarks.instructions STEP [--setup-only] --corpus DIR`` under callgrind;
:func:`count` does that for one step.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.detectbench import corpus_pages
from crawler.analysis.linkrank import rank_links
from crawler.detection.detect import detect_page
from crawler.detection.domains import url_domain
from crawler.detection.page import ParsedPage

STEPS = ("parse", "parse utf-8 bytes", "url refs", "detect", "rank links")
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


@dataclass(frozen=True, slots=True)
class StepCount:
    """Instructions one step took over the corpus, per page and per 100 KB of HTML."""

    step: str
    per_page_millions: float
    per_100kb_millions: float


def _prepare(step: str, corpus: Path) -> list[Callable[[], object]]:
    """One call per corpus page that runs ``step``, its input already made."""
    calls: list[Callable[[], object]] = []
    for html, url, _ in corpus_pages(corpus):
        if step == "parse":
            calls.append(lambda html=html, url=url: ParsedPage.from_html(html, url))
        elif step == "parse utf-8 bytes":
            body = html.encode("utf-8")
            calls.append(lambda body=body, url=url: ParsedPage.from_html(body, url))
        elif step == "url refs":
            page = ParsedPage.from_html(html, url)
            calls.append(lambda page=page: page.url_refs)
        elif step == "detect":
            page = ParsedPage.from_html(html, url)
            page.url_refs  # noqa: B018 - extracted before detection, as in the crawl
            calls.append(lambda page=page: detect_page(page))
        elif step == "rank links":
            page = ParsedPage.from_html(html, url)
            page.url_refs  # noqa: B018
            site = frozenset({url_domain(url)})
            calls.append(lambda page=page, site=site: rank_links(page, site))
        else:
            raise ValueError(f"unknown step {step!r}; one of {', '.join(STEPS)}")
    return calls


def _callgrind(step: str, corpus: Path, setup_only: bool) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "benchmarks.instructions",
        step,
        "--corpus",
        str(corpus),
    ]
    if setup_only:
        command.append("--setup-only")
    # A fixed hash seed: set and dict layouts, and so the instructions, repeat exactly.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    found = _COLLECTED.search(done.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no total for {step!r}:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def count(step: str, corpus: Path) -> StepCount:
    """Instructions ``step`` takes over ``corpus``: with the step, minus setup alone."""
    if shutil.which("valgrind") is None:
        raise RuntimeError("valgrind is not installed (Debian: apt install valgrind)")
    pages = corpus_pages(corpus)
    total_kb = sum(size for _, _, size in pages) / 1024
    instructions = _callgrind(step, corpus, False) - _callgrind(step, corpus, True)
    return StepCount(step, instructions / len(pages) / 1e6, instructions / total_kb * 100 / 1e6)


def main() -> None:
    """Prepare one step's input and, unless ``--setup-only``, run the step once per page."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("step", choices=STEPS)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--setup-only", action="store_true")
    args = parser.parse_args()
    calls = _prepare(args.step, args.corpus)
    if not args.setup_only:
        for call in calls:
            call()


if __name__ == "__main__":
    main()
