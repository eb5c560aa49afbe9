"""A page whose handling raised is stored as a page error and still settles its body."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime

import pytest
import scrapy.utils.misc
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.misc import warn_on_generator_with_return_value
from scrapy.utils.test import get_crawler

from crawler import settings as govsocial_settings
from crawler.items import BodyOutcome, PageItem
from crawler.middlewares import SettleBodyOnError
from crawler.spiders.bodies import BodiesSpider, BodyState


@pytest.fixture
def middleware() -> SettleBodyOnError:
    crawler = get_crawler(BodiesSpider)
    crawler.spider = BodiesSpider.from_crawler(crawler, homepages=iter(()))
    return SettleBodyOnError(crawler)


def response(url: str, **meta: object) -> HtmlResponse:
    return HtmlResponse(url, body=b"<html></html>", request=Request(url, meta=meta))


def test_the_last_page_of_a_body_gives_a_page_error_and_the_outcome(
    middleware: SettleBodyOnError,
) -> None:
    spider = middleware.crawler.spider
    assert isinstance(spider, BodiesSpider)
    state = BodyState("01", "http://www.a.de/", datetime.now(UTC), in_flight=1)
    spider.bodies["01"] = state
    page = response("http://www.a.de/", body_id="01", depth=0, requested_url="http://www.a.de/")

    output = middleware.process_spider_exception(page, KeyError("title"))

    assert output is not None
    page_item, outcome = list(output)
    assert isinstance(page_item, PageItem)
    assert (page_item.url, page_item.error) == (
        "http://www.a.de/",
        "spider_error: KeyError: 'title'",
    )
    assert isinstance(outcome, BodyOutcome)
    assert (outcome.outcome, outcome.reason, outcome.reachable) == (
        "error",
        "KeyError: 'title'",
        False,
    )
    assert spider.bodies == {}


def test_a_response_of_no_open_body_is_left_to_scrapy(middleware: SettleBodyOnError) -> None:
    robots = response("http://www.a.de/robots.txt")
    assert middleware.process_spider_exception(robots, KeyError("x")) is None


def test_no_callback_source_is_read_while_crawling(monkeypatch: pytest.MonkeyPatch) -> None:
    # Out of file handles, reading the errback's source raised before the errback could settle
    # the failed page's body.
    def no_file_handles(_: object) -> str:
        raise OSError("could not get source code")

    monkeypatch.setattr(inspect, "getsource", no_file_handles)
    monkeypatch.setattr(scrapy.utils.misc, "_generator_callbacks_cache", {})
    settings = {name: value for name, value in vars(govsocial_settings).items() if name.isupper()}
    crawler = get_crawler(BodiesSpider, settings_dict=settings)
    spider = BodiesSpider.from_crawler(crawler, homepages=iter(()))
    warn_on_generator_with_return_value(spider, spider.on_error)
