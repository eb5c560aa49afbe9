"""Bounding each body's total crawl time, so one stuck or dripping site cannot hold the run.

The clock of a body starts when its homepage download starts; the spider copies the deadline
into the body's later requests. The check sits in the download handler, not a middleware:
requests wait in the per-site queue after the middlewares, and only the handler runs when the
transfer really begins. A download past the deadline is refused (and recorded); one before it
may take no longer than the time left.
"""

from __future__ import annotations

import time

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

BODY_TIMEOUT_SETTING = "GOVSOCIAL_BODY_TIMEOUT"
IDLE_CONNECTION_SETTING = "GOVSOCIAL_IDLE_CONNECTION_TIMEOUT"
DEADLINE_META = "body_deadline"


class BodyDeadlineExceeded(IgnoreRequest):
    """A body's page was not fetched because the body's time budget was spent."""


class DeadlineDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP(S) handler, enforcing ``GOVSOCIAL_BODY_TIMEOUT`` seconds per body (0: off).

    It also closes idle connections after ``GOVSOCIAL_IDLE_CONNECTION_TIMEOUT`` seconds.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        # Twisted keeps idle keep-alive connections for 240 s; a finished body's site is never
        # asked again, so with one site per body they only pile up as the seed list grows.
        self._pool.cachedConnectionTimeout = crawler.settings.getint(IDLE_CONNECTION_SETTING)
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
