"""Bounding each body's total crawl time, so one stuck or dripping site cannot hold the run.

The clock of a body starts when its homepage download starts; the spider copies the deadline
into the body's later requests. The check sits in the download handler, not a middleware:
requests wait in the per-site queue after the middlewares, and only the handler runs when the
transfer really begins. A download past the deadline is refused (and recorded); one before it
may take no longer than the time left.

The handler also closes a finished body's idle keep-alive connections (crawler/net/connections.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.net.connections import SitePool, body_done

BODY_TIMEOUT_SETTING = "GOVSOCIAL_BODY_TIMEOUT"
IDLE_CONNECTION_SETTING = "GOVSOCIAL_IDLE_CONNECTION_TIMEOUT"
DEADLINE_META = "body_deadline"


class BodyDeadlineExceeded(IgnoreRequest):
    """A body's page was not fetched because the body's time budget was spent."""


class DeadlineDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP(S) handler, enforcing ``GOVSOCIAL_BODY_TIMEOUT`` seconds per body (0: off).

    It also closes a body's idle connections when the body is done (crawler/net/connections.py),
    and any other idle connection after ``GOVSOCIAL_IDLE_CONNECTION_TIMEOUT`` seconds.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        from twisted.internet import reactor  # noqa: PLC0415 - the reactor installed by then

        # Scrapy's pool, configured as Scrapy configures it, in a class that can close by host.
        self.site_pool = SitePool(reactor, persistent=True)
        self.site_pool.maxPersistentPerHost = self._pool.maxPersistentPerHost
        self.site_pool._factory = self._pool._factory
        # For connections no finished body closes (a failed request's redirect hops): Twisted
        # would keep them 240 s, piling up as the seed list grows.
        self.site_pool.cachedConnectionTimeout = crawler.settings.getint(IDLE_CONNECTION_SETTING)
        self._pool = self.site_pool
        self.stats = crawler.stats
        crawler.signals.connect(self.close_body_connections, signal=body_done)
        self.budget = crawler.settings.getfloat(BODY_TIMEOUT_SETTING)
        self.download_timeout = crawler.settings.getfloat("DOWNLOAD_TIMEOUT")

    async def download_request(self, request: Request) -> Response:
        """Start the body's clock, refuse past its deadline, else cap the download time."""
        if self.budget > 0 and "body_id" in request.meta:  # robots.txt belongs to no body
            now = time.monotonic()
            left = request.meta.setdefault(DEADLINE_META, now + self.budget) - now
            if left <= 0:
                limit = f"{self.budget:g} s"
                raise BodyDeadlineExceeded(f"the body's time limit of {limit} was reached")
            timeout = request.meta.get("download_timeout") or self.download_timeout
            request.meta["download_timeout"] = min(timeout, left)
        return await super().download_request(request)

    def close_body_connections(self, hosts: Iterable[str]) -> None:
        """Close the idle connections to a finished body's hosts."""
        closed = self.site_pool.close_idle(hosts)
        if closed and self.stats is not None:
            self.stats.inc_value("govsocial/idle_connections_closed_with_body", closed)
