"""Website URLs as the sources give them, normalised so ``govsocial crawl`` takes them as is.

Rules, in order (each documented in the companion README ``seeds build`` writes):

1. Surrounding white space is removed; a value with white space inside is no URL.
2. A value without a scheme gets ``https://`` (Wikidata and the federal lists mostly give one).
3. Only ``http`` and ``https`` are websites; the host is lower-cased, a trailing dot, a default
   port, user info and the fragment are dropped, an empty path becomes ``/``.
4. A host on a social network, video platform or encyclopaedia is not a website (the accounts
   are kept in their own columns).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from crawler.seeds.seedfile import check_url

NOT_WEBSITES = (
    "facebook.com",
    "twitter.com",
    "x.com",
    "instagram.com",
    "youtube.com",
    "wikipedia.org",
    "wikidata.org",
    "linkedin.com",
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_url(value: str) -> str | None:
    """The crawlable form of a website URL, or None when it is not one (see the module rules)."""
    value = value.strip()
    if not value or any(char.isspace() for char in value):
        return None
    if "://" not in value:
        value = "https://" + value.lstrip("/")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in DEFAULT_PORTS or not host:
        return None
    if is_not_a_website(host):
        return None
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    url = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    return url if check_url(url) is None else None


def site_host(url: str) -> str:
    """The host a website is compared by: lower case, without ``www.``."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    return host.removeprefix("www.")


def is_not_a_website(host: str) -> bool:
    """True for hosts of platforms, not of a body's own site."""
    host = host.removeprefix("www.")
    return any(host == domain or host.endswith("." + domain) for domain in NOT_WEBSITES)


def preferred(urls: set[str]) -> str | None:
    """One URL of several for the same body: https first, then the shortest, then by text."""
    return min(urls, key=lambda url: (not url.startswith("https:"), len(url), url), default=None)
