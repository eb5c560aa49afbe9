"""One parse per page: the parsed tree and the URL-bearing parts every detector reads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from lxml.etree import HTMLParser, _Element
from parsel.selector import create_root_node

# Attributes that load or point at another resource. data-* attributes are added when their
# value looks like a URL: consent tools park the real src/href there until the visitor agrees.
URL_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "form": ("action",),
    "input": ("src",),
    "blockquote": ("cite",),
}

_URL_ATTRIBUTE_NAMES = frozenset(name for names in URL_ATTRIBUTES.values() for name in names)
_URLISH = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_WHITESPACE = re.compile(r"[\t\n\r\f\v]")
# Signs that a relative reference is more than a path urljoin appends to the base directory:
# a scheme, parameters, a backslash, or an empty segment (urljoin drops those).
_NOT_PLAIN_RELATIVE = (":", ";", "\\", "//")


def clean_url(raw: str) -> str:
    """Strip what browsers strip from attribute URLs: outer spaces and inner tabs/newlines."""
    return _WHITESPACE.sub("", raw.strip())


class UrlRef(NamedTuple):
    """One URL found in an element attribute, already made absolute against the base URL.

    A named tuple: pages carry a thousand of these, and tuples are built in C.
    """

    tag: str
    attribute: str
    raw: str
    url: str
    element: _Element


@dataclass(frozen=True, slots=True)
class InlineCode:
    """The text of an inline ``<script>`` or ``<style>`` element."""

    tag: str
    text: str
    element: _Element = field(repr=False, compare=False)

    @property
    def script_type(self) -> str:
        """The script's declared type, lower-cased ('' when absent)."""
        return (self.element.get("type") or "").strip().lower()


class ParsedPage:
    """A page parsed once; detectors share its tree and its pre-extracted URL references."""

    __slots__ = ("__dict__", "base_url", "root", "source", "url")

    def __init__(self, root: _Element, url: str, source: str | bytes | None = None) -> None:
        self.url = url
        self.root = root
        self.base_url = self._base_url()
        # The source, when known: a substring test on it rules out a rare element class faster
        # than a search of the tree.
        self.source = source

    @classmethod
    def from_html(cls, html: str | bytes, url: str) -> ParsedPage:
        """Parse HTML fetched from ``url`` as parsel does, into plain lxml elements.

        ``html`` is text, or bytes in UTF-8. Bytes are what the crawl hands over for a UTF-8
        page: text would be encoded to UTF-8 again for the parser, and to pickle it for an
        analysis worker, which cost about as much as parsing the page's head
        (benchmarks/RESULTS.md). Bytes that are not valid UTF-8 are decoded with replacement
        characters, as Scrapy decodes a page's text.

        Not lxml.html's elements: their class is chosen per element by a Python callback, which
        cost a third of a millisecond per 100 KB page on every walk over the tree
        (benchmarks/RESULTS.md). Detection needs no method they add.
        """
        if isinstance(html, bytes):
            root = create_root_node("", HTMLParser, base_url=url, body=html, encoding="utf-8")
        else:
            root = create_root_node(html or "<html></html>", HTMLParser, base_url=url)
        return cls(root, url, html)

    def may_contain(self, fragment: str) -> bool:
        """False only if ``fragment`` is certainly nowhere in the page's source."""
        if self.source is None:
            return True
        if isinstance(self.source, bytes):
            return fragment.encode("utf-8") in self.source
        return fragment in self.source

    def _base_url(self) -> str:
        for base in self.root.iter("base"):
            href = base.get("href")
            if href and href.strip():
                return urljoin(self.url, clean_url(href))
        return self.url

    def resolve(self, raw: str) -> str:
        """Make an attribute value absolute against the page's base URL."""
        return urljoin(self.base_url, clean_url(raw))

    @cached_property
    def url_refs(self) -> tuple[UrlRef, ...]:
        """Every URL-bearing attribute of every element, in document order (comments excluded)."""
        refs: list[UrlRef] = []
        resolved: dict[str, str] = {}  # pages repeat their links; urljoin is the costly part
        for element in self.root.iter():
            # Names only, and the tag only for an element that may hold a URL: lxml builds a new
            # string for every tag and attribute value read, and most elements hold no URL.
            names = element.keys()  # comments and processing instructions have none
            tag: str | None = None
            known: tuple[str, ...] = ()
            for name in names:
                if name not in _URL_ATTRIBUTE_NAMES and not name.startswith("data-"):
                    continue
                value = element.get(name)
                if not value:
                    continue
                if tag is None:
                    tag = element.tag
                    known = URL_ATTRIBUTES.get(tag, ())  # the HTML parser lower-cases names
                if name in known or (name.startswith("data-") and _URLISH.match(value)):
                    url = resolved.get(value)
                    if url is None:
                        url = resolved[value] = self._absolute(value)
                    refs.append(UrlRef(tag, name, value, url, element))
        return tuple(refs)

    def _absolute(self, raw: str) -> str:
        """``resolve(raw)``, with the three commonest shapes joined without urljoin's cost.

        An absolute http(s) URL, a root-relative path and a plain relative path (``seite.html``,
        ``a/b.php?id=3``), each without dot segments, fragment or empty query, join to exactly
        what urljoin returns; anything else goes through it. ``tests/detection/test_page.py``
        checks every shape against urljoin.
        """
        if (
            raw != raw.strip()
            or not raw.isprintable()  # control characters, which urljoin drops or strips
            or "/." in raw
            or "#" in raw
            or raw.endswith("?")
        ):
            return self.resolve(raw)
        if raw.startswith(("https://", "http://")):
            return raw
        if raw.startswith("/"):
            if self._root is not None and not raw.startswith("//") and "\\" not in raw:
                return self._root + raw
        elif (
            self._directory is not None
            and not raw.startswith((".", "?"))
            and not any(sign in raw for sign in _NOT_PLAIN_RELATIVE)
        ):
            return self._directory + raw
        return self.resolve(raw)

    @cached_property
    def _root(self) -> str | None:
        """What urljoin puts before a root-relative path: the origin of an http(s) base URL."""
        return self.origin if self.base_url.startswith(("https://", "http://")) else None

    @cached_property
    def _directory(self) -> str | None:
        """What urljoin puts before a plain relative path: the base URL up to its last slash."""
        probe = urljoin(self.base_url, "x")
        return probe[:-1] if probe.endswith("/x") else None

    @cached_property
    def origin(self) -> str:
        """``scheme://netloc`` of the base URL: root-relative references are joined to it."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @cached_property
    def inline_scripts(self) -> tuple[InlineCode, ...]:
        """Inline script bodies (including type="text/plain" ones parked by consent tools)."""
        return tuple(
            InlineCode("script", element.text, element)
            for element in self.root.iter("script")
            if element.text and element.text.strip()
        )

    @cached_property
    def inline_styles(self) -> tuple[InlineCode, ...]:
        """Inline ``<style>`` bodies (where CSS ``@import`` of web fonts lives)."""
        return tuple(
            InlineCode("style", element.text, element)
            for element in self.root.iter("style")
            if element.text and element.text.strip()
        )

    def meta(self) -> Iterator[tuple[str, str, _Element]]:
        """``(name or property, content, element)`` of every ``<meta>`` with content."""
        for element in self.root.iter("meta"):
            key = element.get("name") or element.get("property")
            content = element.get("content")
            if key and content:
                yield key.strip().lower(), content.strip(), element

    @cached_property
    def json_ld(self) -> tuple[str, ...]:
        """Raw JSON-LD blocks; detectors decode what they need."""
        return tuple(
            element.text
            for element in self.root.iter("script")
            if (element.get("type") or "").strip().lower() == "application/ld+json" and element.text
        )
