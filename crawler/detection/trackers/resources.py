"""What a page loads: its URL references sorted into resources, hints, forms and parked URLs.

Shared by the tracker detector, the third-party host list and the filter-list matcher so the
three agree on what counts as "loaded by the page":

- ``loaded``: fetched while the page renders (script/img/iframe/embed/object/source/media src,
  ``link`` stylesheets, icons and preloads, ``input type=image``, URLs in inline ``<style>``).
- ``hint``: ``link rel=preconnect|dns-prefetch``; opens a connection, fetches nothing.
- ``form``: a form's ``action``; sent only when the visitor submits.
- ``parked``: a URL held in a ``data-*`` attribute, the way consent tools and lazy loaders keep
  an embed back. On a loading element it is gated only when a consent marker is present (plain
  lazy loading fetches it anyway); on any other element (a two-click placeholder) it is gated.
Plain ``<a href>`` links are outbound navigation, not resources, and are never listed.

A rendered page adds a fifth kind, ``requested``: what the browser asked for while the page
loaded (``requested_resources``), whether or not the DOM still names it.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import SplitResult, urlsplit

from lxml.etree import _Element

from crawler.detection.findings import RequestedUrl
from crawler.detection.page import ParsedPage, UrlRef
from crawler.detection.trackers.catalogue import ConsentMarkup

ResourceKind = Literal["loaded", "hint", "form", "parked", "requested"]

# The attribute through which each loading element fetches, with the request type adblock
# engines use for it (https://github.com/brave/adblock-rust request types).
LOADING_ATTRIBUTES: dict[str, tuple[str, str]] = {
    "script": ("src", "script"),
    "img": ("src", "image"),
    "iframe": ("src", "subdocument"),
    "frame": ("src", "subdocument"),
    "embed": ("src", "object"),
    "object": ("data", "object"),
    "source": ("src", "media"),
    "video": ("src", "media"),
    "audio": ("src", "media"),
    "track": ("src", "media"),
    "input": ("src", "image"),
    "link": ("href", "other"),
}
_LINK_REL_TYPES = {
    "stylesheet": "stylesheet",
    "icon": "image",
    "apple-touch-icon": "image",
    "apple-touch-icon-precomposed": "image",
    "mask-icon": "image",
    "manifest": "other",
    "preload": "other",
    "prefetch": "other",
    "modulepreload": "script",
}
_PRELOAD_AS_TYPES = {"script": "script", "style": "stylesheet", "font": "font", "image": "image"}
# Chromium's resource types as adblock engines name them. A document other than the page's own
# is a frame's; fetch and EventSource requests are treated as XMLHttpRequests, as uBlock Origin
# does; any other type is "other".
_CHROMIUM_REQUEST_TYPES = {
    "document": "subdocument",
    "script": "script",
    "stylesheet": "stylesheet",
    "image": "image",
    "font": "font",
    "media": "media",
    "texttrack": "media",
    "xhr": "xmlhttprequest",
    "fetch": "xmlhttprequest",
    "eventsource": "xmlhttprequest",
    "websocket": "websocket",
    "ping": "ping",
}
_HINT_RELS = frozenset({"preconnect", "dns-prefetch"})
_NO_FETCH_PREFIXES = ("about:", "data:", "javascript:", "blob:", "mailto:", "tel:")

EXECUTABLE_SCRIPT_TYPES = frozenset(
    {
        "",
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
        "text/ecmascript",
        "application/ecmascript",
        "text/jscript",
        "module",
    }
)
# Data blocks are read by the page's own code, so settings found there take effect.
DATA_SCRIPT_TYPES = frozenset({"application/json", "application/ld+json", "importmap"})

# No consent tool's markup known: every non-executable script type counts as held back.
NO_CONSENT_MARKUP = ConsentMarkup()
# A src or href in an encoded embed's HTML, with the tag that carries it.
_FRAGMENT_URL = re.compile(
    r"""<([a-z]+)\b[^>]*?\s(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE
)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"'()\s;]+)""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*["']?([^"'()\s]+)["']?\s*\)""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Resource:
    """One URL the page loads, hints, submits to, parks or requested, with where it was found.

    A requested URL has no element: its ``tag`` is ``"request"`` and its ``attribute`` the
    browser's resource type.
    """

    kind: ResourceKind
    url: str
    parts: SplitResult
    host: str
    tag: str
    attribute: str | None
    request_type: str
    gated: bool
    element: _Element | None = field(repr=False, compare=False)


def script_is_inert(element: _Element, consent: ConsentMarkup = NO_CONSENT_MARKUP) -> bool:
    """True for a ``<script>`` held back until consent (e.g. ``text/plain``).

    Types the browser runs, data blocks, and the types performance plugins give scripts they
    run on the visitor's first interaction (``consent``'s delayed types) are not held back.
    """
    script_type = (element.get("type") or "").strip().lower()
    if script_type in EXECUTABLE_SCRIPT_TYPES or script_type in DATA_SCRIPT_TYPES:
        return False
    if script_type in consent.delayed_script_types:
        return False
    return not (
        consent.delayed_type_suffixes and script_type.endswith(consent.delayed_type_suffixes)
    )


def has_consent_marker(element: _Element, prefixes: tuple[str, ...]) -> bool:
    """True when an attribute of ``element`` starts with one of the consent-tool prefixes."""
    return any(name.startswith(prefixes) for name in element.attrib)


def _link_type(element: _Element) -> tuple[ResourceKind, str] | None:
    rels = set((element.get("rel") or "").lower().split())
    if rels & _HINT_RELS:
        return "hint", "other"
    for rel in ("stylesheet", *sorted(rels - {"stylesheet"})):
        if rel in rels and rel in _LINK_REL_TYPES:
            if rel in ("preload", "prefetch"):
                return "loaded", _PRELOAD_AS_TYPES.get((element.get("as") or "").lower(), "other")
            return "loaded", _LINK_REL_TYPES[rel]
    return None


def _fetches(tag: str, attribute: str, element: _Element) -> bool:
    """True for the attribute through which a loading element fetches (``input`` if an image)."""
    loading = LOADING_ATTRIBUTES.get(tag)
    if loading is None or (attribute != loading[0] and attribute != "poster"):
        return False
    return tag != "input" or (element.get("type") or "").lower() == "image"


def _plain_web_parts(url: str) -> tuple[SplitResult, str] | None:
    """``(urlsplit(url), its hostname)`` by slicing, for the commonest shape of resource URL.

    That shape: lower-case http(s) scheme, printable ASCII, no IPv6 literal, no ``%`` in the
    host. urlsplit and its hostname property parse such a URL the same way at several times
    the cost; ``tests/detection/trackers/test_resources.py`` holds the two to each other.
    """
    if not (url.isascii() and url.isprintable()) or "[" in url:
        return None
    scheme, _, rest = url.partition("://")
    end = len(rest)
    for stop in "/?#":
        found = rest.find(stop)
        if 0 <= found < end:
            end = found
    netloc, path, query, fragment = rest[:end], rest[end:], "", ""
    if "%" in netloc:  # hostname keeps an IPv6 zone's case; left to urlsplit
        return None
    if "#" in path:
        path, fragment = path.split("#", 1)
    if "?" in path:
        path, query = path.split("?", 1)
    host = netloc.rpartition("@")[2].partition(":")[0].lower()
    return SplitResult(scheme, netloc, path, query, fragment), host


def _web_parts(url: str) -> tuple[SplitResult, str] | None:
    """The parts and host of an http(s) URL with a host; None for anything else."""
    if url.startswith(("https://", "http://")):
        plain = _plain_web_parts(url)
        if plain is not None:
            return plain if plain[1] else None
    if url.lower().startswith(_NO_FETCH_PREFIXES):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket in a hand-written attribute
        return None
    host = parts.hostname  # a property that parses the netloc again on every read
    if parts.scheme not in ("http", "https") or not host:
        return None
    return parts, host


def _classify(ref: UrlRef, consent: ConsentMarkup) -> Resource | None:
    """Sort one URL reference, or None for links and attributes that fetch nothing."""
    element, tag, attribute = ref.element, ref.tag, ref.attribute
    kind: ResourceKind
    loading = LOADING_ATTRIBUTES.get(tag)
    # Decide from tag and attribute first: most references are <a href> and need no URL parse.
    if attribute.startswith("data-"):
        if loading is not None:
            kind, request_type = "parked", loading[1]
            gated = has_consent_marker(element, consent.marker_prefixes) or (
                tag == "script" and script_is_inert(element, consent)
            )
        elif attribute.endswith("src"):
            kind, request_type, gated = "parked", "subdocument", True
        else:
            return None
    elif tag == "form" and attribute == "action":
        kind, request_type, gated = "form", "other", False
    elif not _fetches(tag, attribute, element):
        return None
    elif tag == "link":
        link = _link_type(element)
        if link is None:
            return None
        (kind, request_type), gated = link, False
    else:
        kind = "loaded"
        request_type = "image" if attribute == "poster" else LOADING_ATTRIBUTES[tag][1]
        gated = tag == "script" and script_is_inert(element, consent)
    url = ref.url.split()[0] if attribute.endswith("srcset") else ref.url
    web = _web_parts(url)
    if web is None:
        return None
    parts, host = web
    return Resource(kind, url, parts, host, tag, attribute, request_type, gated, element)


def _style_resources(page: ParsedPage) -> Iterator[Resource]:
    for style in page.inline_styles:
        text = style.text
        if "url(" not in text and "@import" not in text:
            continue
        seen: set[str] = set()
        for pattern, request_type in ((_CSS_IMPORT, "stylesheet"), (_CSS_URL, "other")):
            for match in pattern.finditer(text):
                url = page.resolve(match.group(1))
                web = _web_parts(url)
                if web is None or url in seen:
                    continue
                seen.add(url)
                parts, host = web
                yield Resource(
                    "loaded", url, parts, host, "style", None, request_type, False, style.element
                )


def _encoded_resources(page: ParsedPage, attributes: tuple[str, ...]) -> Iterator[Resource]:
    """URLs of embeds a consent tool keeps base64-encoded in an attribute: parked, gated.

    Borlabs Cookie 3 stores a blocked iframe as ``data-borlabs-cookie-content="<base64>"`` on
    its placeholder. The decoded fragment is read for its src/href values with a regex rather
    than parsed again: the page is parsed once, and only the URLs are needed.
    """
    for attribute in attributes:
        if not page.may_contain(attribute):
            continue
        for element in page.root.iter():
            encoded = element.get(attribute)
            if not encoded:
                continue
            try:
                fragment = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):  # not an encoded embed: nothing parked
                continue
            for tag, raw in _FRAGMENT_URL.findall(fragment):
                url = page.resolve(html.unescape(raw))
                web = _web_parts(url)
                if web is None:
                    continue
                parts, host = web
                request_type = LOADING_ATTRIBUTES.get(tag.lower(), ("", "subdocument"))[1]
                yield Resource(
                    "parked", url, parts, host, element.tag, attribute, request_type, True, element
                )


def page_resources(page: ParsedPage, consent: ConsentMarkup = NO_CONSENT_MARKUP) -> list[Resource]:
    """Every resource, hint, form target and parked URL of the page, in document order.

    Computed once per page and consent markup: the tracker, third-party and filter-list passes
    all read the same list.
    """
    cache: dict[ConsentMarkup, list[Resource]] = page.__dict__.setdefault("_resources", {})
    if consent not in cache:
        # Most references are <a href>, which never fetch anything: skipped before the call.
        resources = [
            resource
            for ref in page.url_refs
            if (ref.tag != "a" or ref.attribute != "href")
            and (resource := _classify(ref, consent)) is not None
        ]
        resources.extend(_style_resources(page))
        resources.extend(_encoded_resources(page, consent.encoded_embed_attributes))
        cache[consent] = resources
    return cache[consent]


def _without_fragment(url: str) -> str:
    return url.partition("#")[0]


def requested_resources(page: ParsedPage, requested: Iterable[RequestedUrl]) -> list[Resource]:
    """The browser's requests as resources, sorted by URL and type, each once.

    Left out: the page's own document and whatever is not an http(s) URL with a host
    (``data:``, ``blob:``, ...). Sorting makes the findings independent of the order in which
    the browser happened to send its requests.
    """
    own = _without_fragment(page.url)
    resources: list[Resource] = []
    for url, resource_type in sorted(set(requested)):
        if _without_fragment(url) == own:
            continue
        web = _web_parts(url)
        if web is None:
            continue
        parts, host = web
        request_type = _CHROMIUM_REQUEST_TYPES.get(resource_type, "other")
        resources.append(
            Resource(
                "requested", url, parts, host, "request", resource_type, request_type, False, None
            )
        )
    return resources
