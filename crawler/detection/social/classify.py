"""Classify one URL against the platform catalogue: account, share, content or embed."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from crawler.detection.findings import LinkKind
from crawler.detection.social.catalogue import (
    Catalogue,
    Platform,
    Rule,
    idna_to_unicode,
    load_catalogue,
    match_segments,
)

_SPACES = re.compile(r"\s+")
# Characters that cannot stand unescaped in a canonical URL's path or fragment.
_UNSAFE = {char: f"%{ord(char):02X}" for char in '% "#<>?\\^`{|}'}
_UNWRAP_DEPTH = 3


@dataclass(frozen=True, slots=True)
class Classification:
    """What one URL is on which platform, and the account it names (if any).

    ``handle`` is the canonical account key and ``canonical_url`` that account's URL; for content
    links both describe the owning account. ``via`` is an account a share URL is attributed to.
    """

    platform: str
    link_kind: LinkKind
    handle: str | None
    canonical_url: str | None
    account_type: str | None
    rule: str
    resolved: bool = True
    via: Classification | None = None


def normalize_host(netloc_host: str) -> str:
    """Lower-case, percent-decoded, without trailing dot, punycode labels decoded to Unicode."""
    host = netloc_host.strip().lower()
    if "%" in host:
        host = unquote(host)
    return idna_to_unicode(host.rstrip("."))


@lru_cache(maxsize=4096)
def platform_for_host(host: str) -> tuple[Platform, str] | None:
    """The platform owning ``host`` and the subdomain part in front of its registered host."""
    index = load_catalogue().host_index
    labels = host.split(".")
    for start in range(len(labels) - 1):
        platform = index.get(".".join(labels[start:]))
        if platform is not None:
            return platform, ".".join(labels[:start])
    return None


def _segments(path: str) -> list[str]:
    """Percent-decoded path segments without empty ones; whitespace inside is a typo, removed."""
    segments = []
    for raw in path.split("/"):
        if not raw:
            continue
        segment = unquote(raw) if "%" in raw else raw
        if not segment.isprintable() or " " in segment:
            segment = _SPACES.sub("", segment)
        if segment:
            segments.append(segment)
    return segments


def _url_safe(value: str) -> str:
    return "".join(_UNSAFE.get(char, char) for char in value)


class _UrlParts:
    """A URL split once, with its query parsed only when a rule asks for it."""

    __slots__ = ("_query", "fragment", "host", "query_text", "segments")

    def __init__(self, host: str, path: str, query: str, fragment: str) -> None:
        if fragment.startswith("!/") and not path.strip("/"):  # old #!/name links of 2010-2013
            path, _, query = fragment[1:].partition("?")
            fragment = ""
        self.host = host
        self.segments = _segments(path)
        self.query_text = query
        self.fragment = fragment
        self._query: dict[str, list[str]] | None = None

    def param(self, name: str) -> str | None:
        """The first value of a query parameter."""
        if self._query is None:
            self._query = parse_qs(self.query_text) if self.query_text else {}
        values = self._query.get(name)
        return values[0] if values else None


def _format(template: str, values: dict[str, str]) -> str:
    return template.format_map(values)


def _apply(
    rule: Rule, platform: Platform, parts: _UrlParts, values: dict[str, str], depth: int
) -> Classification | None:
    """Build the classification for a matched rule (unwrapping redirectors and plugins)."""
    if rule.unwrap is not None:
        inner_url = (parts.param(rule.unwrap) or "").strip()
        if inner_url.startswith("/"):  # a login wall's ?next=/<user>/ is a path on its own host
            inner_url = urljoin(f"https://{parts.host}/", inner_url)
        inner = (
            _classify(inner_url, False, depth + 1) if inner_url and depth < _UNWRAP_DEPTH else None
        )
        if inner is not None:
            kind = (
                "embed"
                if rule.kind == "embed" and inner.link_kind == "content"
                else inner.link_kind
            )
            return replace(inner, link_kind=kind, rule=f"{rule.id}>{inner.rule}")
    if rule.kind == "ignore":
        return None
    handle = canonical = None
    if rule.handle is not None:
        handle = _format(rule.handle, values)
        safe = {name: _url_safe(value) for name, value in values.items()}
        template = rule.canonical or platform.profile_url
        canonical = template.format(_url_safe(handle), **safe)
    via = None
    if rule.account_param is not None and rule.account_rule is not None:
        via = account_reference(
            platform.id, parts.param(rule.account_param) or "", rule.account_rule
        )
    return Classification(
        platform=platform.id,
        link_kind=rule.kind,
        handle=handle,
        canonical_url=canonical,
        account_type=rule.account_type if rule.kind == "profile" and rule.resolved else None,
        rule=rule.id,
        resolved=rule.resolved,
        via=via,
    )


def _match_rules(
    platform: Platform, parts: _UrlParts, subdomain: str | None, evidence: bool, depth: int
) -> Classification | None:
    """The first rule of ``platform`` matching the URL (``subdomain`` None: a generic host)."""
    for rule in platform.rules:
        if subdomain is None:
            if not (evidence or rule.evidence_free):
                continue
        elif rule.host is not None:
            if not rule.host.fullmatch(parts.host):
                continue
        elif not platform.subdomains.fullmatch(subdomain):
            continue
        values = match_segments(rule.path, parts.segments)
        if values is None:
            continue
        if rule.query and not all(
            cond.match(parts.param(cond.name), values) for cond in rule.query
        ):
            continue
        if rule.fragment is not None:
            fragment_values = match_segments(rule.fragment, _segments(parts.fragment))
            if fragment_values is None:
                continue
            values.update(fragment_values)
        values["host"] = parts.host
        return _apply(rule, platform, parts, values, depth)
    return None


def _split(url: str, catalogue: Catalogue) -> _UrlParts | None:
    """Split an absolute URL; app schemes (whatsapp://, tg://) are read as their web host."""
    scheme, colon, rest = url.partition(":")
    if not colon:
        return None
    scheme = scheme.lower()
    if scheme not in ("http", "https"):
        web_host = catalogue.schemes.get(scheme)
        if web_host is None:
            return None
        url = f"https://{web_host}/{rest.lstrip('/')}"
    try:
        split = urlsplit(url)
        host = split.hostname
    except ValueError:  # malformed netloc such as an unclosed IPv6 bracket: not a link we can read
        return None
    if not host:
        return None
    return _UrlParts(normalize_host(host), split.path, split.query, split.fragment)


def _classify(url: str, evidence: bool, depth: int) -> Classification | None:
    catalogue = load_catalogue()
    parts = _split(url, catalogue)
    if parts is None:
        return None
    owner = platform_for_host(parts.host)
    if owner is not None:
        platform, subdomain = owner
        return _match_rules(platform, parts, subdomain, evidence, depth)
    fediverse = catalogue.fediverse
    if fediverse is None or parts.host in fediverse.lookalike_hosts:
        return None
    return _match_rules(fediverse, parts, None, evidence, depth)


@lru_cache(maxsize=8192)
def classify_url(url: str, *, fediverse_evidence: bool = False) -> Classification | None:
    """Classify an absolute URL; None when it is not a social link.

    ``fediverse_evidence``: the link carries rel="me" (or equivalent), so a /@user path on a host
    outside the catalogue's known instances counts as a fediverse account. A URL written without
    scheme ("www.facebook.com/name", as in account registries) is read as https.
    """
    url = url.strip()
    first = url.split("/", 1)[0]
    if ":" not in first and "." in first:  # registries list bare "www.facebook.com/name"
        url = f"https://{url}"
    return _classify(url, fediverse_evidence, 0)


def account_reference(platform_id: str, value: str, rule: str) -> Classification | None:
    """A profile named by a bare handle (meta tags, data-via), or None when it is not valid."""
    handle = value.strip().lstrip("@")
    if not handle or "/" in handle or "?" in handle or "#" in handle:
        return None
    platform = load_catalogue().platforms[platform_id]
    found = classify_url(platform.profile_url.format(handle))
    if found is None or found.link_kind != "profile" or found.platform != platform_id:
        return None
    return replace(found, rule=rule)
