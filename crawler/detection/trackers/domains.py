"""Registrable domains from tldextract's bundled public-suffix snapshot, never fetched."""

from __future__ import annotations

from functools import lru_cache

import tldextract

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """The registrable domain (eTLD+1, ICANN section) of a host; the host itself for IPs."""
    return _EXTRACT(host).top_domain_under_public_suffix or host
