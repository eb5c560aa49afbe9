"""Turning what went wrong with a request into a recorded outcome and a readable reason."""

from __future__ import annotations

from collections.abc import Iterator

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as tx_error
from twisted.python.failure import Failure

from crawler.netguard import PrivateAddressLookupError, PrivateAddressRefused

OK = "ok"
HTTP_ERROR = "http_error"
NOT_HTML = "not_html"

# First match wins, so the most specific causes come first.
_CLASSIFICATION: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((PrivateAddressRefused, PrivateAddressLookupError), "refused_private"),
    ((CannotResolveHostError, tx_error.DNSLookupError), "dns_error"),
    ((DownloadConnectionRefusedError, tx_error.ConnectionRefusedError), "connection_refused"),
    ((DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError), "timeout"),
    ((ResponseDataLossError, tx_error.ConnectionLost, tx_error.ConnectionDone), "connection_lost"),
)


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


def classify_failure(failure: Failure) -> tuple[str, str]:
    """``(outcome, reason)`` for a failed request."""
    exception = failure.value
    reason = f"{type(exception).__name__}: {exception}".strip().rstrip(":")
    causes = list(_causes(exception))
    for types, outcome in _CLASSIFICATION:
        if any(isinstance(cause, types) for cause in causes):
            return outcome, reason
    if isinstance(exception, IgnoreRequest) and "robots.txt" in str(exception):
        return "robots_disallowed", reason
    if any(_is_tls(cause) for cause in causes) or "SSL" in str(exception):
        return "tls_error", reason
    return "error", reason
