"""Turning what went wrong with a request into a recorded outcome and a readable reason."""

from __future__ import annotations

from collections.abc import Iterator

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as tx_error
from twisted.python.failure import Failure

from crawler.net.deadline import BodyDeadlineExceeded
from crawler.net.guard import PrivateAddressLookupError, PrivateAddressRefused
from crawler.net.robots import RobotsTxtUnavailable

OK = "ok"
HTTP_ERROR = "http_error"
NOT_HTML = "not_html"
TOO_MANY_REDIRECTS = "too_many_redirects"

# First match wins, so the most specific causes come first.
_CLASSIFICATION: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((PrivateAddressRefused, PrivateAddressLookupError), "refused_private"),
    ((BodyDeadlineExceeded,), "body_time_limit"),
    ((RobotsTxtUnavailable,), "robots_unavailable"),
    ((CannotResolveHostError, tx_error.DNSLookupError), "dns_error"),
    ((DownloadConnectionRefusedError, tx_error.ConnectionRefusedError), "connection_refused"),
    ((DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError), "timeout"),
    ((ResponseDataLossError, tx_error.ConnectionLost, tx_error.ConnectionDone), "connection_lost"),
    # Scrapy cancels a download only when it grows past DOWNLOAD_MAXSIZE (timeouts differ).
    ((DownloadCancelledError,), "too_large"),
)
SIZE_REASON = "download cancelled: the response exceeded DOWNLOAD_MAXSIZE"


def _causes(exception: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exception
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _is_tls(exception: BaseException) -> bool:
    module = type(exception).__module__
    return module.startswith(("OpenSSL", "ssl")) or "SSL" in type(exception).__name__


def redirect_reason(chain: list[str]) -> str:
    """Why following redirects stopped: a loop (shown up to its first repeat) or a long chain."""
    seen: set[str] = set()
    for position, url in enumerate(chain):
        if url in seen:
            return "redirect loop: " + " -> ".join(chain[: position + 1])
        seen.add(url)
    return f"gave up after {len(chain) - 1} redirects, from {chain[0]} to {chain[-1]}"


def classify_failure(failure: Failure) -> tuple[str, str]:
    """``(outcome, reason)`` for a failed request."""
    exception = failure.value
    reason = f"{type(exception).__name__}: {exception}".strip().rstrip(":")
    causes = list(_causes(exception))
    for types, outcome in _CLASSIFICATION:
        if any(isinstance(cause, types) for cause in causes):
            if outcome == "too_large" and not str(exception):
                reason = SIZE_REASON
            return outcome, reason
    if isinstance(exception, IgnoreRequest) and "max redirections" in str(exception):
        request = failure.request  # type: ignore[attr-defined]
        chain = [*request.meta.get("redirect_urls", []), request.url]
        return TOO_MANY_REDIRECTS, redirect_reason(chain)
    if isinstance(exception, IgnoreRequest) and "robots.txt" in str(exception):
        return "robots_disallowed", reason
    if any(_is_tls(cause) for cause in causes) or "SSL" in str(exception):
        return "tls_error", reason
    return "error", reason
