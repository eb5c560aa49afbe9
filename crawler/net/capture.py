"""Keeps each page's request as sent and its response as served, for the archive.

Installed only when the crawl archives (``GOVSOCIAL_ARCHIVE_DIR``). It sits next to the
downloader, so it sees the response before Scrapy decompresses it or follows a redirect, and
the request with every header the other middlewares added. A redirect's next response
replaces the kept one: the archive holds the page the spider parsed. The storage pipeline
writes it (crawler/pipelines/storage.py); nothing is written here.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.http.headers import Headers

from crawler.archive.records import ServedExchange
from crawler.archive.warc import ARCHIVE_DIR_SETTING
from db.models import utcnow

SERVED_META = "served_exchange"


def _pairs(headers: Headers) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    )


class ServedResponseMiddleware:
    """Puts a :class:`ServedExchange` of each page's response in its request's meta."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ServedResponseMiddleware:
        """Only a crawl that archives needs it."""
        if not crawler.settings.get(ARCHIVE_DIR_SETTING):
            raise NotConfigured  # quietly: a message would be logged as a warning
        return cls()

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:
        """Keep the exchange of a body's page (the browser's are archived from its DOM)."""
        if "body_id" in request.meta and not request.meta.get("playwright"):
            request_headers = _pairs(request.headers)
            host = response.url.split("://", 1)[-1].split("/", 1)[0]
            if not any(name.lower() == "host" for name, _ in request_headers):
                request_headers = (("Host", host), *request_headers)
            protocol = response.protocol or "HTTP/1.1"
            request.meta[SERVED_META] = ServedExchange(
                url=response.url,
                method=request.method,
                request_headers=request_headers,
                protocol=protocol.upper(),
                status=response.status,
                reason=_reason(response.status),
                headers=_pairs(response.headers),
                body=response.body,
                fetched_at=utcnow(),
                ip_address=str(response.ip_address) if response.ip_address else None,
            )
        return response


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
