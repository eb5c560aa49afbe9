"""What runs inside an analysis worker process (``crawler/analysis/pool.py`` starts the pool).

A spawned worker imports only this module and what it names: page analysis and filter lists,
never Scrapy or Twisted. Importing Scrapy here made each worker weigh about 74 MB instead of
about 47 (benchmarks/RESULTS.md); ``tests/test_analysers.py`` keeps it that way.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from crawler.analysis.page import PageAnalysis, analyse_page, analyse_rendered
from crawler.detection.filterlists import FilterList, load_filter_list
from crawler.detection.findings import PageFindings
from crawler.detection.rendered import RequestedUrl

PARENT_CHECK_SECONDS = 0.5

# The filter lists of this worker process, compiled once when it starts.
_filter_lists: list[FilterList] = []


def start_worker(filter_list_paths: Sequence[str]) -> None:
    """Pool initializer: leave stopping to the crawl process, and compile the filter lists."""
    # Ctrl-C and SIGTERM reach the whole process group; the crawl process decides how to stop
    # and shuts the pool down itself, after the pages in hand are analysed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()
    _filter_lists[:] = [load_filter_list(Path(path)) for path in filter_list_paths]


def _exit_with(parent_pid: int) -> None:
    """End this worker once the crawl process is gone (killed, it cannot shut the pool down)."""
    while os.getppid() == parent_pid:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def ready() -> None:
    """A task that only makes the pool start its worker processes."""


def analyse_in_worker(
    html: str | bytes, url: str, site_domains: frozenset[str] | None
) -> PageAnalysis:
    """:func:`analyse_page` with this worker's filter lists."""
    return analyse_page(html, url, site_domains, _filter_lists)


def analyse_rendered_in_worker(
    html: str | bytes, url: str, requested: Sequence[RequestedUrl]
) -> PageFindings:
    """:func:`analyse_rendered` with this worker's filter lists."""
    return analyse_rendered(html, url, requested, _filter_lists)
