"""Crawl progress: counts of bodies, pages, findings and errors as items are stored."""

from __future__ import annotations

import logging

import pytest

from crawler.detection.findings import Evidence, PageFindings, SocialLink
from crawler.items import BodyOutcome, PageItem
from crawler.run.progress import ProgressExtension
from db.models import utcnow


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
