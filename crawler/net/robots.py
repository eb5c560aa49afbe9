"""robots.txt as RFC 9309 reads it: a server error on robots.txt means "crawl nothing".

Scrapy parses whatever body a 5xx robots.txt returns, which allows everything; a site whose
robots.txt fails is then crawled although its operator may have meant to close it. Here the
whole site is treated as disallowed and the refusal says why. 4xx still means "no rules".

Scrapy also keeps every site's parser for the whole crawl; with one site per body that is
per-body state growing with the seed list, so parsers of the sites least recently asked are
forgotten.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from crawler.limits import ROBOTS_SITES_PER_BODY, max_open_bodies

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RobotsTxtUnavailable(IgnoreRequest):
    """A request refused because the site's robots.txt answered with a server error."""


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, reading a 5xx robots.txt as disallowing everything."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.failed_status: dict[str, int] = {}
        # Eviction keeps the most recently used half, which must cover every open body's sites:
        # forgetting the oldest inserted instead, with a fixed 256, made sites still being
        # crawled lose their parser (robots.txt fetched 23,189 times for 8,000 sites).
        self.max_parsers = 2 * ROBOTS_SITES_PER_BODY * max_open_bodies(crawler.settings)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        """Scrapy's lookup, keeping at most ``max_parsers`` sites' parsers in memory."""
        netloc = urlparse_cached(request).netloc
        if netloc in self._parsers:  # move it to the end: dict order is then recency of use
            self._parsers[netloc] = self._parsers.pop(netloc)
        elif len(self._parsers) > self.max_parsers:
            self._forget_oldest()
        return await super().robot_parser(request)

    def _forget_oldest(self) -> None:
        # The first entries belong to the sites asked about longest ago (see robot_parser).
        # Parsers still being fetched (Deferreds) are awaited by requests and must stay.
        excess = max(0, len(self._parsers) - self.max_parsers // 2)
        for netloc in [n for n, p in self._parsers.items() if not isinstance(p, Deferred)][:excess]:
            del self._parsers[netloc]
            self.failed_status.pop(netloc, None)

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
