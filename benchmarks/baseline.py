"""The baseline: a plain Scrapy spider fetching a given set of pages and doing nothing with them.

It follows the same two-step shape as govsocial's crawl (a body's homepage first, then its other
pages once the homepage has arrived) but parses nothing and stores nothing, so its pages per
second are Scrapy's own ceiling for that page set on this machine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response


class BaselineSpider(scrapy.Spider):
    """Fetches each body's homepage, then the pages listed for it; no parsing, no items."""

    name = "baseline"

    def __init__(self, homepages: list[str], followups: dict[str, list[str]], **kwargs: Any):
        super().__init__(**kwargs)
        self.homepages = homepages
        self.followups = followups

    async def start(self) -> AsyncIterator[Any]:
        """One request per homepage."""
        for url in self.homepages:
            yield scrapy.Request(url, callback=self.parse_homepage)

    def parse_homepage(self, response: Response) -> Iterator[scrapy.Request]:
        """Queue the body's other pages, exactly those govsocial fetched."""
        for url in self.followups.pop(response.url, ()):
            yield scrapy.Request(url, callback=self.parse_page, priority=100)

    def parse_page(self, response: Response) -> Iterator[Any]:
        """Nothing: the baseline measures fetching alone."""
        yield from ()
