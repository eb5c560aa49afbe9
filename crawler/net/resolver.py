"""DNS resolution with a static host map (tests, demo) and the private-address guard.

A name mapped to the empty string in the static map does not exist: resolving it fails at once,
without asking the system resolver (tests of unresolvable hosts stay offline).

An entry ``*.zone`` maps every name below ``zone`` (``a.zone``, ``www.a.zone``), not ``zone``
itself; an exact entry, then the most specific wildcard, wins. One wildcard stands in for a
synthetic web of thousands of hosts (the benchmarks), so the map does not grow with the crawl.

An address may carry a port (``127.0.0.1:8443``, ``[::1]:8443``): only the browser of the
rendered tier uses it, to reach a vendor's HTTPS host on a test server's port; name resolution
uses the address alone.

Checking the resolved address, not the name, is what stops a public-looking name (or a redirect
to one) from leading the crawler into a private network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scrapy.crawler import Crawler
from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from crawler.net.guard import ALLOW_PRIVATE_SETTING, PrivateAddressLookupError, is_public_address

HOSTS_SETTING = "GOVSOCIAL_HOSTS"


def static_address(hosts: Mapping[str, str], name: str) -> str | None:
    """What the static host map says ``name`` resolves to: an exact entry, else a wildcard.

    ``hosts`` has lower-case keys. None means the map does not know the name; a port the entry
    names is left out.
    """
    name = name.lower().rstrip(".")
    if name in hosts:
        return without_port(hosts[name])
    labels = name.split(".")
    for start in range(1, len(labels)):  # most specific zone first
        address = hosts.get("*." + ".".join(labels[start:]))
        if address is not None:
            return without_port(address)
    return None


def without_port(address: str) -> str:
    """``127.0.0.1:8443`` -> ``127.0.0.1``; ``[::1]:8443`` -> ``::1``; a bare address as is."""
    if address.startswith("["):
        return address[1:].partition("]")[0]
    if address.count(":") == 1:
        return address.partition(":")[0]
    return address


class GuardedResolver(CachingThreadedResolver):
    """Caching resolver that consults ``GOVSOCIAL_HOSTS`` first and refuses private answers."""

    def __init__(
        self,
        reactor: Any,
        cache_size: int,
        timeout: float,
        hosts: dict[str, str],
        allow_private: bool,
    ) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.hosts = {name.lower(): address for name, address in hosts.items()}
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> GuardedResolver:
        """Configure from the crawl's settings."""
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(
            reactor,
            cache_size,
            settings.getfloat("DNS_TIMEOUT"),
            dict(settings.getdict(HOSTS_SETTING)),
            settings.getbool(ALLOW_PRIVATE_SETTING),
        )

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        """Resolve ``name``, then refuse the answer if it is not a public address."""
        mapped = static_address(self.hosts, name)
        if mapped == "":
            return defer.fail(DNSLookupError(f"{name}: no such host (static host map)"))
        answer = defer.succeed(mapped) if mapped else super().getHostByName(name, timeout)
        return answer.addCallback(self._guard, name)

    def _guard(self, address: str, name: str) -> str:
        if not self.allow_private and not is_public_address(address):
            raise PrivateAddressLookupError(
                f"{name} resolves to {address}, not a public address (use --allow-private)"
            )
        return address
