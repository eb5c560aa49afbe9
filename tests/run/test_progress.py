"""Crawl progress: counts of bodies, pages, findings and errors as items are stored."""

from __future__ import annotations

import io
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from rich.console import Console
from twisted.internet.task import Clock

from crawler.detection.findings import Evidence, PageFindings, SocialLink
from crawler.items import BodyOutcome, PageItem
from crawler.run.progress import (
    LOG_EVERY_SECONDS,
    REFRESH_SECONDS,
    Activity,
    CrawlCounts,
    ProgressExtension,
    ProgressLine,
    read_activity,
)
from db.models import utcnow

BUSY = Activity(in_flight=17, failed=480, commonest_failure="DNSLookupError")


def outcome(body_id: str, reachable: bool) -> BodyOutcome:
    return BodyOutcome(body_id, "https://a.de/", reachable, "ok", None, None, None, 1, utcnow())


def test_counts_pages_findings_errors_and_bodies() -> None:
    extension = ProgressExtension(total=3, live=False)
    link = SocialLink(
        "facebook",
        "profile",
        "https://facebook.com/a",
        "a",
        None,
        None,
        Evidence.of("a", "href", "x", "r"),
    )
    page = PageItem("1", "https://a.de/", 0, findings=PageFindings("https://a.de/", links=(link,)))
    for item in (
        page,
        PageItem("1", "https://a.de/x", 1, error="timeout: slow"),
        outcome("1", True),
    ):
        extension.item_scraped(item)
    extension.item_scraped(outcome("2", False))
    assert extension.counts.line(3) == (
        "bodies 2/3 (1 reachable), pages 1, accounts 1, trackers 0, errors 1"
    )


def test_without_a_terminal_a_final_line_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    extension = ProgressExtension(total=1, live=False)
    extension.item_scraped(outcome("1", True))
    with caplog.at_level(logging.INFO, logger="crawler.run.progress"):
        extension.spider_closed()
    assert "crawl finished: bodies 1/1 (1 reachable)" in caplog.text


FRAMES = {
    80: "━━━━━━━━━━━━ 12/2,333 bodies · 17 in flight · 480 failed · 9 reachable · 1:02:05",
    100: "━━━━━━━━━━━━━━━━━━━━ 12/2,333 bodies · 17 in flight · 480 failed · 9 reachable · "
    "130 pages · 1:02:05",
    120: "━━━━━━━━━━━━━━ 12/2,333 bodies · 17 in flight · 480 failed (mostly DNSLookupError) · "
    "9 reachable · 130 pages · 1:02:05",
    200: "━" * 40 + " 12/2,333 bodies · 17 in flight · 480 failed (mostly DNSLookupError) · "
    "9 reachable · 130 pages · 52 accounts · 80 trackers · 1:02:05",
}


def rendered(renderable: Any, width: int) -> str:
    console = Console(width=width, record=True, force_terminal=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


@pytest.mark.parametrize("width", sorted(FRAMES))
def test_the_live_line_fits_the_terminal_with_bar_counts_and_activity(width: int) -> None:
    frame = ProgressLine(CrawlCounts(12, 9, 130, 52, 80, 3), BUSY, total=2333, seconds=3725)
    assert rendered(frame, width) == FRAMES[width] + "\n"


def test_a_finished_crawl_names_its_bodies_once() -> None:
    frame = ProgressLine(CrawlCounts(27, 25, 130), Activity(), total=27, seconds=12)
    assert rendered(frame, 120).count("27/27") == 1


def live_extension(total: int) -> tuple[ProgressExtension, io.StringIO, Clock]:
    screen = io.StringIO()
    console = Console(file=screen, width=100, force_terminal=True, color_system=None)
    extension = ProgressExtension(total, live=True, activity=lambda: BUSY, console=console)
    clock = Clock()
    extension.ticker.clock = clock
    return extension, screen, clock


def test_the_first_frame_shows_at_once_and_the_line_refreshes_on_a_timer() -> None:
    extension, screen, clock = live_extension(total=3)
    extension.spider_opened()
    assert "0/3 bodies · 17 in flight · 480 failed" in screen.getvalue()
    extension.item_scraped(outcome("1", True))
    assert "1/3 bodies" not in screen.getvalue()
    clock.advance(REFRESH_SECONDS)
    assert "1/3 bodies" in screen.getvalue()
    extension.spider_closed()
    assert not extension.ticker.running


def test_without_a_terminal_activity_is_logged_on_a_timer_even_when_nothing_is_stored(
    caplog: pytest.LogCaptureFixture,
) -> None:
    extension = ProgressExtension(total=2333, live=False, activity=lambda: BUSY)
    clock = Clock()
    extension.ticker.clock = clock
    extension.spider_opened()
    with caplog.at_level(logging.INFO, logger="crawler.run.progress"):
        clock.advance(LOG_EVERY_SECONDS)
        extension.spider_closed()
    assert caplog.messages == [
        "progress: bodies 0/2333 (0 reachable), pages 0, accounts 0, trackers 0, errors 0; "
        "requests in flight 17, failed requests 480 (mostly DNSLookupError)",
        "crawl finished: bodies 0/2333 (0 reachable), pages 0, accounts 0, trackers 0, errors 0",
    ]


def test_activity_is_read_from_the_downloader_and_its_stats() -> None:
    stats = {
        "downloader/exception_count": 5,
        "downloader/exception_type_count/twisted.internet.error.DNSLookupError": 4,
        "downloader/exception_type_count/twisted.internet.error.TimeoutError": 1,
        "downloader/request_count": 40,
    }
    crawler = SimpleNamespace(
        engine=SimpleNamespace(downloader=SimpleNamespace(active={"a", "b"})),
        stats=SimpleNamespace(get_stats=lambda: stats),
    )
    assert read_activity(crawler) == Activity(2, 5, "DNSLookupError")  # type: ignore[arg-type]
