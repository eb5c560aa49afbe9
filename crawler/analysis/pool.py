"""Where pages are analysed: in worker processes, so parsing and detection get their own cores.

Scrapy runs in one thread; parsing a page and running the detectors cost about twice what
fetching it does (benchmarks/RESULTS.md). With ``GOVSOCIAL_ANALYSIS_WORKERS`` > 0 the spider
sends each HTML page to a pool of that many processes and awaits the result, while the
crawl process goes on downloading and storing. 0 analyses in the crawl process itself; unset
means one per core, at most two.

A worker that dies (a page that crashes the parser, the OOM killer) costs the pages it had in
hand, which are stored with an ``analysis_failed`` error; a new pool takes over.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TypeVar

from scrapy.settings import BaseSettings

from crawler.analysis.page import PageAnalysis, analyse_page, analyse_rendered, requested_urls
from crawler.analysis.worker import (
    analyse_in_worker,
    analyse_rendered_in_worker,
    ready,
    start_worker,
)
from crawler.detection.filterlists import FilterList, load_filter_list
from crawler.detection.findings import PageFindings
from crawler.items import RenderedRequest
from crawler.limits import setting_count

WORKERS_SETTING = "GOVSOCIAL_ANALYSIS_WORKERS"
FILTER_LISTS_SETTING = "GOVSOCIAL_FILTER_LISTS"  # paths of Adblock Plus lists to match
ANALYSIS_FAILED = "analysis_failed"
DEFAULT_WORKERS_MAX = 2

logger = logging.getLogger(__name__)
_Result = TypeVar("_Result")


def analysis_workers(settings: BaseSettings) -> int:
    """``GOVSOCIAL_ANALYSIS_WORKERS``, or :func:`default_workers` when unset."""
    value = settings.get(WORKERS_SETTING)
    if value in (None, ""):
        return default_workers()
    return setting_count(WORKERS_SETTING, value, minimum=0)


def default_workers(cpus: int | None = None) -> int:
    """One worker per core, at most ``DEFAULT_WORKERS_MAX``; none on a single core.

    The crawl process needs about a third of what analysis needs per page, so on two cores two
    workers beat one (benchmarks/RESULTS.md); each costs about 50 MB, hence the cap.
    """
    cpus = cpus if cpus is not None else os.cpu_count() or 1
    return min(cpus, DEFAULT_WORKERS_MAX) if cpus > 1 else 0


class AnalysisFailed(RuntimeError):
    """The worker analysing a page died before returning its analysis."""


class PageAnalyser:
    """Analyses pages in the crawl process (``workers=0``) or in a pool of worker processes."""

    def __init__(self, workers: int, filter_list_paths: Sequence[str] = ()) -> None:
        self.workers = setting_count(WORKERS_SETTING, workers, minimum=0)
        self.filter_list_paths = [str(path) for path in filter_list_paths]
        self.filter_lists: list[FilterList] = []
        self._pool: ProcessPoolExecutor | None = None

    def open(self) -> None:
        """Compile the filter lists here (a bad list fails the crawl at once) or start the pool."""
        lists = [load_filter_list(Path(path)) for path in self.filter_list_paths]
        if self.workers == 0:
            self.filter_lists = lists
        else:
            self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the crawl process runs a reactor and threads a fork would copy.
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=start_worker,
            initargs=(self.filter_list_paths,),
        )
        # Workers start on the first task; starting them now lets their imports overlap with
        # the crawl's first DNS lookups and robots.txt fetches instead of delaying the first page.
        for _ in range(self.workers):
            pool.submit(ready)
        return pool

    async def analyse(
        self, html: str | bytes, url: str, site_domains: frozenset[str] | None
    ) -> PageAnalysis:
        """The analysis of ``html`` (text, or UTF-8 bytes); raises :class:`AnalysisFailed` if its
        worker died."""
        if self._pool is None:
            return analyse_page(html, url, site_domains, self.filter_lists)
        return await self._in_worker(analyse_in_worker, html, url, site_domains)

    async def analyse_rendered(
        self, html: str | bytes, url: str, requests: Sequence[RenderedRequest]
    ) -> PageFindings:
        """The findings of a rendered DOM and the requests the browser made for it."""
        requested = requested_urls(requests)
        if self._pool is None:
            return analyse_rendered(html, url, requested, self.filter_lists)
        return await self._in_worker(analyse_rendered_in_worker, html, url, requested)

    async def _in_worker(self, task: Callable[..., _Result], *args: object) -> _Result:
        pool = self._pool
        assert pool is not None
        try:
            future = pool.submit(task, *args)
            return await asyncio.wrap_future(future)
        except BrokenProcessPool as error:
            if self._pool is pool:
                logger.error("an analysis worker died; starting a new pool (%s)", error)
                pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
            raise AnalysisFailed(f"analysis worker died: {error}") from None

    def close(self) -> None:
        """Stop the workers once the pages in hand are analysed."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
