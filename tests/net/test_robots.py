"""robots.txt parsers of long-finished sites are forgotten; those still being fetched are kept."""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.utils.test import get_crawler
from twisted.internet.defer import Deferred

from crawler.net.robots import StrictRobotsTxtMiddleware

MAX_PARSERS = 64  # for 16 open bodies, at two sites per body, kept in a list twice that long


def middleware() -> StrictRobotsTxtMiddleware:
    settings = {"ROBOTSTXT_OBEY": True, "GOVSOCIAL_MAX_OPEN_BODIES": 16}
    return StrictRobotsTxtMiddleware(get_crawler(settings_dict=settings))


def test_oldest_finished_parsers_are_forgotten_first() -> None:
    robots = middleware()
    pending: Deferred[None] = Deferred()
    robots._parsers["www.first.de"] = pending  # still being fetched: must survive
    for number in range(MAX_PARSERS + 10):
        robots._parsers[f"www.site-{number}.de"] = None
    robots.failed_status["www.site-0.de"] = 503
    robots._forget_oldest()
    assert len(robots._parsers) == MAX_PARSERS // 2
    assert robots._parsers["www.first.de"] is pending
    assert "www.site-0.de" not in robots._parsers
    assert "www.site-0.de" not in robots.failed_status
    assert f"www.site-{MAX_PARSERS + 9}.de" in robots._parsers


def test_nothing_is_forgotten_below_the_limit() -> None:
    robots = middleware()
    for number in range(10):
        robots._parsers[f"www.site-{number}.de"] = None
    robots._forget_oldest()
    assert len(robots._parsers) == 10


def test_a_site_asked_about_recently_is_kept_though_it_came_first() -> None:
    robots = middleware()
    robots._parsers["www.busy.de"] = None  # the first site in, still being crawled
    for number in range(MAX_PARSERS):
        robots._parsers[f"www.site-{number}.de"] = None
    asyncio.run(robots.robot_parser(Request("http://www.busy.de/impressum/")))
    robots._forget_oldest()
    assert "www.busy.de" in robots._parsers
    assert "www.site-0.de" not in robots._parsers


def test_the_parser_limit_follows_the_open_bodies_limit() -> None:
    assert middleware().max_parsers == MAX_PARSERS
    default = StrictRobotsTxtMiddleware(
        get_crawler(settings_dict={"ROBOTSTXT_OBEY": True, "CONCURRENT_REQUESTS": 32})
    )
    assert default.max_parsers == 2 * 2 * 16 * 32
