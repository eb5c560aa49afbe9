"""DNS resolution with a static host map (tests, demo) and the private-address guard.

A name mapped to the empty string in the static map does not exist: resolving it fails at once,
without asking the system resolver (tests of unresolvable hosts stay offline).

Checking the resolved address, not the name, is what stops a public-looking name (or a redirect
to one) from leading the crawler into a private network.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrapy.crawler import Crawler
from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from crawler.netguard import ALLOW_PRIVATE_SETTING, PrivateAddressLookupError, is_public_address

HOSTS_SETTING = "GOVSOCIAL_HOSTS"


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
        mapped = self.hosts.get(name.lower().rstrip("."))
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
