"""robots.txt as RFC 9309 reads it: a server error on robots.txt means "crawl nothing".

Scrapy parses whatever body a 5xx robots.txt returns, which allows everything; a site whose
robots.txt fails is then crawled although its operator may have meant to close it. Here the
whole site is treated as disallowed and the refusal says why. 4xx still means "no rules".
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RobotsTxtUnavailable(IgnoreRequest):
    """A request refused because the site's robots.txt answered with a server error."""


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, reading a 5xx robots.txt as disallowing everything."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.failed_status: dict[str, int] = {}

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self.failed_status[netloc] = response.status
            response = response.replace(body=DISALLOW_ALL)
        await super()._parse_robots(response, netloc, request)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        """Refuse as Scrapy does, naming a failed robots.txt as the reason where it is one."""
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as refusal:
            status = self.failed_status.get(urlparse_cached(request).netloc)
            if status is None:
                raise
            raise RobotsTxtUnavailable(
                f"robots.txt answered HTTP {status}; RFC 9309 says to crawl nothing then"
            ) from refusal
