"""A page whose handling raised still ends its body: recorded as a page error, logged in full."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.spiders.bodies import BodiesSpider

logger = logging.getLogger(__name__)


class SettleBodyOnError:
    """Spider middleware: hands a body's page whose callback raised to the spider to settle.

    Placed next to the engine, so it also sees what other spider middlewares raise.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SettleBodyOnError:
        """Keep the crawler: its spider settles the body."""
        return cls(crawler)

    def process_spider_exception(
        self, response: Response, exception: Exception
    ) -> Iterator[Any] | None:
        """The page's error item and, if it was the body's last, the body's outcome."""
        spider = self.crawler.spider
        if not isinstance(spider, BodiesSpider):
            return None
        settled = spider.page_failed(response, exception)
        if settled is not None:
            # Handled here, so Scrapy will not log it: the traceback must not be lost.
            logger.error(
                "Error handling %s; stored as a page error",
                response.url,
                exc_info=(type(exception), exception, exception.__traceback__),
            )
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("govsocial/spider_errors")
        return settled
