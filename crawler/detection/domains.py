"""Registrable domains from the Public Suffix List bundled with tldextract (never fetched)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

# suffix_list_urls=() keeps tldextract offline: it uses the snapshot shipped in the package.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


# Bounded well below the number of hosts a national crawl meets: each body brings its own, used
# only while it is crawled; the shared third-party hosts stay in because they are used often.
@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """``www.stadt-musterhausen.de`` -> ``stadt-musterhausen.de``; IPs and bare names unchanged."""
    host = host.lower().rstrip(".")
    parts = _EXTRACT(host)
    return parts.top_domain_under_public_suffix or host


def url_domain(url: str) -> str:
    """The registrable domain of a URL's host ('' when it has none)."""
    host = urlsplit(url).hostname
    return registrable_domain(host) if host else ""
