"""Refusing to crawl loopback, private, link-local and metadata addresses unless allowed.

A crawl of public bodies has no business inside the operator's own network; a seed, a DNS answer
or a redirect that points there is refused and recorded as an outcome, not fetched.
"""

from __future__ import annotations

import ipaddress
from typing import Any, cast
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.error import DNSLookupError

ALLOW_PRIVATE_SETTING = "GOVSOCIAL_ALLOW_PRIVATE"
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


class PrivateAddressRefused(IgnoreRequest):
    """A request to a non-public address while ``--allow-private`` is off."""


class PrivateAddressLookupError(DNSLookupError):
    """A name resolved to a non-public address while ``--allow-private`` is off."""


def is_public_address(address: str) -> bool:
    """True for globally routable IP addresses; False for loopback, private, link-local etc."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def literal_address(host: str) -> str | None:
    """The IP address a host name spells literally, or None for a name."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def refusal_reason(url: str) -> str | None:
    """Why ``url`` must not be fetched without ``--allow-private`` (names are checked at DNS)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return f"{host} is a loopback name"
    address = literal_address(host)
    if address is not None and not is_public_address(address):
        return f"{address} is not a public address"
    return None


class PrivateAddressMiddleware:
    """Downloader middleware refusing requests whose host is, or resolves to, a private address.

    The resolver (``crawler.net.resolver.GuardedResolver``) enforces the same rule when the
    connection is made; checking here first is what lets the refusal be recorded as such.
    """

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressMiddleware:
        """Read ``GOVSOCIAL_ALLOW_PRIVATE``."""
        return cls(crawler.settings.getbool(ALLOW_PRIVATE_SETTING))

    async def process_request(self, request: Request, spider: Spider | None = None) -> Any:
        """Refuse before any connection is made."""
        if self.allow_private:
            return None
        reason = refusal_reason(request.url)
        host = urlsplit(request.url).hostname or ""
        if reason is None and literal_address(host) is None:
            reason = await _resolution_refusal(host)
        if reason:
            raise PrivateAddressRefused(f"refused: {reason} (use --allow-private to crawl it)")
        return None


async def _resolution_refusal(host: str) -> str | None:
    # Imported here: importing the reactor at module level would install the default one.
    from twisted.internet import reactor  # noqa: PLC0415

    try:
        await maybe_deferred_to_future(cast(Any, reactor).resolve(host))
    except PrivateAddressLookupError as error:
        return str(error)
    except DNSLookupError:
        return None  # an unresolvable host is recorded as a DNS error by the download itself
    return None
