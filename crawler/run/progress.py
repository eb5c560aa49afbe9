"""Live progress of a crawl: a bar on a terminal, periodic log lines elsewhere."""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from scrapy import signals
from scrapy.crawler import Crawler

from crawler.items import BodyOutcome, PageItem

PROGRESS_SETTING = "GOVSOCIAL_PROGRESS"
TOTAL_SETTING = "GOVSOCIAL_BODIES_TOTAL"
LOG_EVERY_SECONDS = 30.0

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class CrawlCounts:
    """What a crawl has done so far."""

    bodies_done: int = 0
    bodies_reachable: int = 0
    pages: int = 0
    accounts: int = 0
    trackers: int = 0
    errors: int = 0

    def line(self, total: int) -> str:
        """One line for logs and the live display."""
        return (
            f"bodies {self.bodies_done}/{total} ({self.bodies_reachable} reachable), "
            f"pages {self.pages}, accounts {self.accounts}, trackers {self.trackers}, "
            f"errors {self.errors}"
        )


class ProgressExtension:
    """Counts scraped items; shows a live bar when stderr is a terminal, else logs every 30 s."""

    def __init__(self, total: int, live: bool) -> None:
        self.total = total
        self.counts = CrawlCounts()
        self.last_log = time.monotonic()
        self.progress: Progress | None = None
        self.task: Any = None
        if live:
            self.progress = Progress(
                TextColumn("[bold]crawling"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        """Live display only when asked for and stderr is a terminal."""
        live = crawler.settings.getbool(PROGRESS_SETTING) and sys.stderr.isatty()
        extension = cls(crawler.settings.getint(TOTAL_SETTING), live)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        """Start the live display."""
        if self.progress is not None:
            self.progress.start()
            self.task = self.progress.add_task("", total=self.total or None)

    def spider_closed(self) -> None:
        """Stop the live display and leave one final line in the log."""
        if self.progress is not None:
            self.progress.stop()
        logger.info("crawl finished: %s", self.counts.line(self.total))

    def item_scraped(self, item: Any) -> None:
        """Update counts from each stored page and body outcome."""
        counts = self.counts
        if isinstance(item, PageItem):
            counts.pages += item.error is None
            counts.errors += item.error is not None
            if item.findings is not None:
                counts.accounts += len(item.findings.accounts)
                counts.trackers += len(item.findings.trackers)
        elif isinstance(item, BodyOutcome):
            counts.bodies_done += 1
            counts.bodies_reachable += item.reachable
        self._show()

    def _show(self) -> None:
        if self.progress is not None:
            self.progress.update(
                self.task,
                completed=self.counts.bodies_done,
                description=self.counts.line(self.total),
            )
            return
        now = time.monotonic()
        if now - self.last_log >= LOG_EVERY_SECONDS:
            self.last_log = now
            logger.info("progress: %s", self.counts.line(self.total))
