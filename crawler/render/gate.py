"""What a rendered page may request: the crawl's address rules, applied inside the browser.

A page's scripts choose what the browser fetches, so the private-address guard cannot rely on
Scrapy's resolver: every request the page makes passes this gate first. Refused, always:
loopback names, literal private, loopback, link-local and metadata addresses, and names that
resolve to one, unless the name is the page's own host or one the static host map names (the
operator's test and demo webs) and ``--allow-private`` is on. A page's own subrequests never
reach into the operator's network, whatever the flag says of the crawled sites.

Leaf resources (images, media, fonts) of the page's own site are recorded as requested and then
not downloaded: what matters is that the browser asked for them, and third-party leaves (pixels)
still load so their cookies are seen. ``GOVSOCIAL_RENDER_LEAVES=download`` lets them load too
(the findings are the same either way; benchmarks/RESULTS.md compares the two).
"""

from __future__ import annotations

import asyncio
import socket
from collections import OrderedDict
from collections.abc import Mapping
from urllib.parse import urlsplit

from crawler.detection.domains import registrable_domain
from crawler.limits import BadSetting
from crawler.net.guard import LOCAL_NAMES, is_public_address, literal_address
from crawler.net.resolver import static_address
from crawler.render.config import RENDER_LEAVES_SETTING

PRIVATE_ADDRESS = "private_address"
NOT_DOWNLOADED = "not_downloaded"
LEAF_TYPES = frozenset({"image", "media", "font"})
LEAVES_SKIP, LEAVES_DOWNLOAD = "skip", "download"
LEAF_MODES = (LEAVES_SKIP, LEAVES_DOWNLOAD)
NO_NETWORK_SCHEMES = ("data", "blob", "about", "chrome-extension")
LOOKUP_TIMEOUT = 10.0
LOOKUPS_KEPT = 2048


class RequestGate:
    """Decides, per browser request, whether it goes out; remembers why it did not."""

    def __init__(
        self, hosts: Mapping[str, str], allow_private: bool, leaves: str = LEAVES_SKIP
    ) -> None:
        self.hosts = {name.lower(): address for name, address in hosts.items()}
        self.allow_private = allow_private
        self.skip_leaves = leaf_mode(leaves) == LEAVES_SKIP
        self._public: OrderedDict[str, bool] = OrderedDict()

    async def refusal(self, url: str, resource_type: str, page_url: str) -> str | None:
        """Why the browser must not fetch ``url`` for the page at ``page_url``, or None."""
        parts = urlsplit(url)
        if parts.scheme in NO_NETWORK_SCHEMES:
            return None
        host = (parts.hostname or "").lower().rstrip(".")
        page_host = (urlsplit(page_url).hostname or "").lower().rstrip(".")
        if not await self._may_reach(host, page_host):
            return PRIVATE_ADDRESS
        if self.skip_leaves and resource_type in LEAF_TYPES and _same_site(host, page_host):
            return NOT_DOWNLOADED
        return None

    async def _may_reach(self, host: str, page_host: str) -> bool:
        if host in LOCAL_NAMES or host.endswith(".localhost"):
            return False
        address = literal_address(host)
        if address is not None:
            return is_public_address(address)
        mapped = static_address(self.hosts, host)
        if mapped is not None:
            # "" makes the name not exist: the browser's own resolver fails it.
            return mapped == "" or is_public_address(mapped) or self.allow_private
        if await self._resolves_public(host):
            return True
        return self.allow_private and host == page_host

    async def _resolves_public(self, host: str) -> bool:
        """Every address ``host`` resolves to is public; a name that does not resolve is let
        through, as the browser will fail it itself."""
        known = self._public.get(host)
        if known is not None:
            self._public.move_to_end(host)
            return known
        loop = asyncio.get_running_loop()
        try:
            answers = await asyncio.wait_for(
                loop.getaddrinfo(host, None, type=socket.SOCK_STREAM), LOOKUP_TIMEOUT
            )
        except (OSError, TimeoutError):
            public = True
        else:
            public = all(is_public_address(str(answer[4][0])) for answer in answers)
        self._public[host] = public
        if len(self._public) > LOOKUPS_KEPT:
            self._public.popitem(last=False)
        return public


def leaf_mode(value: object) -> str:
    """``GOVSOCIAL_RENDER_LEAVES`` checked: ``skip`` (the default) or ``download``."""
    mode = LEAVES_SKIP if value in (None, "") else str(value).strip().lower()
    if mode not in LEAF_MODES:
        raise BadSetting(
            f"{RENDER_LEAVES_SETTING} must be one of {', '.join(LEAF_MODES)}, not {value!r}"
        )
    return mode


def _same_site(host: str, page_host: str) -> bool:
    return registrable_domain(host) == registrable_domain(page_host)
