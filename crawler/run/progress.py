"""Live progress of a crawl: one line on a terminal, a periodic log line elsewhere.

Both show activity as well as results (requests in flight, failed requests and their commonest
cause), so a crawl that stores nothing for a while can be told from one that hangs.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.live import Live
from rich.text import Text
from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

from crawler.items import BodyOutcome, PageItem

PROGRESS_SETTING = "GOVSOCIAL_PROGRESS"
TOTAL_SETTING = "GOVSOCIAL_BODIES_TOTAL"
LOG_EVERY_SECONDS = 30.0
REFRESH_SECONDS = 1.0
# Scrapy's DownloaderStats middleware counts every failed download (retries included).
FAILED_STAT = "downloader/exception_count"
FAILED_TYPE_PREFIX = "downloader/exception_type_count/"
BAR_MIN, BAR_MAX = 10, 40

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class CrawlCounts:
    """What a crawl has stored so far."""

    bodies_done: int = 0
    bodies_reachable: int = 0
    pages: int = 0
    accounts: int = 0
    trackers: int = 0
    errors: int = 0

    def line(self, total: int) -> str:
        """One line for logs."""
        return (
            f"bodies {self.bodies_done}/{total} ({self.bodies_reachable} reachable), "
            f"pages {self.pages}, accounts {self.accounts}, trackers {self.trackers}, "
            f"errors {self.errors}"
        )


@dataclass(frozen=True, slots=True)
class Activity:
    """What the downloader is doing: requests under way, and failed downloads so far."""

    in_flight: int = 0
    failed: int = 0
    commonest_failure: str | None = None  # exception class name, e.g. DNSLookupError

    def line(self) -> str:
        """The activity part of a log line."""
        failed = f"failed requests {self.failed}"
        if self.commonest_failure:
            failed += f" (mostly {self.commonest_failure})"
        return f"requests in flight {self.in_flight}, {failed}"


def read_activity(crawler: Crawler) -> Activity:
    """The crawler's requests in flight and its failed downloads, from the engine and stats."""
    try:
        in_flight = len(crawler.engine.downloader.active)
    except RuntimeError:  # the engine is set when the crawl starts; until then nothing is
        in_flight = 0
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    by_type = {
        name.removeprefix(FAILED_TYPE_PREFIX): count
        for name, count in stats.items()
        if name.startswith(FAILED_TYPE_PREFIX)
    }
    commonest = max(by_type, key=lambda name: (by_type[name], name)) if by_type else None
    return Activity(
        in_flight,
        int(stats.get(FAILED_STAT, 0)),
        commonest.rpartition(".")[2] if commonest else None,
    )


def elapsed_clock(seconds: float) -> str:
    """Seconds as H:MM:SS."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


@dataclass(frozen=True, slots=True)
class ProgressLine:
    """One frame of the live display, fitted to the console's width.

    The bar, the body count and the elapsed time always show; the other figures follow in order
    of use for as long as they fit, and the bar takes what width is left, up to 40 columns.
    """

    counts: CrawlCounts
    activity: Activity
    total: int
    seconds: float

    def _figures(self) -> list[tuple[int, str]]:
        """``(position, text)`` of the optional figures, most telling first.

        Activity comes before results; the commonest failure's cause (shown after the failed
        count) comes after the pages.
        """
        counts, activity = self.counts, self.activity
        figures = [
            (0, f"{activity.in_flight:,} in flight"),
            (1, f"{activity.failed:,} failed"),
            (3, f"{counts.bodies_reachable:,} reachable"),
            (4, f"{counts.pages:,} pages"),
        ]
        if activity.commonest_failure:
            figures.append((2, f"(mostly {activity.commonest_failure})"))
        figures += [(5, f"{counts.accounts:,} accounts"), (6, f"{counts.trackers:,} trackers")]
        return figures

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The frame as one line of at most ``options.max_width`` columns."""
        width = options.max_width
        total = f"{self.total:,}" if self.total else "?"
        head = f" {self.counts.bodies_done:,}/{total} bodies"
        tail = f" · {elapsed_clock(self.seconds)}"
        used = BAR_MIN + len(head) + len(tail)
        shown: dict[int, str] = {}
        for position, text in self._figures():
            if used + len(text) + 3 > width:
                break  # no gaps: a figure shows only if every more telling one does
            shown[position] = text
            used += len(text) + 3
        line = self._bar(min(BAR_MAX, BAR_MIN + width - used))
        line.append(head, style="bold")
        for position in sorted(shown):
            line.append((" " if position == 2 else " · ") + shown[position])
        line.append(tail, style="dim")
        line.truncate(width)
        yield line

    def _bar(self, width: int) -> Text:
        done = min(width, round(width * self.counts.bodies_done / self.total)) if self.total else 0
        bar = Text()
        bar.append("━" * done, style="bar.complete")
        bar.append("━" * (width - done), style="bar.back")
        return bar


class ProgressExtension:
    """Counts stored items; shows a live line when stderr is a terminal, else logs every 30 s."""

    def __init__(
        self,
        total: int,
        live: bool,
        activity: Callable[[], Activity] = Activity,
        console: Console | None = None,
    ) -> None:
        self.total = total
        self.counts = CrawlCounts()
        self.activity = activity
        self.started = time.monotonic()
        self.live: Live | None = None
        if live:
            self.live = Live(
                console=console or Console(file=sys.stderr),
                auto_refresh=False,
                transient=True,
                get_renderable=self.frame,
            )
        self.ticker = task.LoopingCall(self.tick)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        """Live display only when asked for and stderr is a terminal."""
        live = crawler.settings.getbool(PROGRESS_SETTING) and sys.stderr.isatty()
        extension = cls(
            crawler.settings.getint(TOTAL_SETTING), live, lambda: read_activity(crawler)
        )
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def frame(self) -> ProgressLine:
        """The live display's current frame."""
        seconds = time.monotonic() - self.started
        return ProgressLine(self.counts, self.activity(), self.total, seconds)

    def log_line(self) -> str:
        """The periodic log line: counts and activity."""
        return f"{self.counts.line(self.total)}; {self.activity().line()}"

    def spider_opened(self) -> None:
        """Show the first frame at once, then refresh on a timer (a hang shows as a still line)."""
        self.started = time.monotonic()
        if self.live is not None:
            self.live.start(refresh=True)
            self.ticker.start(REFRESH_SECONDS, now=False)
        else:
            self.ticker.start(LOG_EVERY_SECONDS, now=False)

    def spider_closed(self) -> None:
        """Stop the display and the timer and leave one final line in the log."""
        if self.ticker.running:
            self.ticker.stop()
        if self.live is not None:
            self.live.stop()
        logger.info("crawl finished: %s", self.counts.line(self.total))

    def tick(self) -> None:
        """Redraw the live line, or log the progress line."""
        if self.live is not None:
            self.live.refresh()
        else:
            logger.info("progress: %s", self.log_line())

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
