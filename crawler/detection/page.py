"""One parse per page: the parsed tree and the URL-bearing parts every detector reads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urljoin

from lxml.html import HtmlElement
from parsel import Selector

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

_URLISH = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_WHITESPACE = re.compile(r"[\t\n\r\f\v]")


def clean_url(raw: str) -> str:
    """Strip what browsers strip from attribute URLs: outer spaces and inner tabs/newlines."""
    return _WHITESPACE.sub("", raw.strip())


@dataclass(frozen=True, slots=True)
class UrlRef:
    """One URL found in an element attribute, already made absolute against the base URL."""

    tag: str
    attribute: str
    raw: str
    url: str
    element: HtmlElement = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class InlineCode:
    """The text of an inline ``<script>`` or ``<style>`` element."""

    tag: str
    text: str
    element: HtmlElement = field(repr=False, compare=False)

    @property
    def script_type(self) -> str:
        """The script's declared type, lower-cased ('' when absent)."""
        return (self.element.get("type") or "").strip().lower()


class ParsedPage:
    """A page parsed once; detectors share its tree and its pre-extracted URL references."""

    __slots__ = ("__dict__", "base_url", "root", "selector", "url")

    def __init__(self, selector: Selector, url: str) -> None:
        self.selector = selector
        self.url = url
        self.root: HtmlElement = selector.root
        self.base_url = self._base_url()

    @classmethod
    def from_html(cls, html: str, url: str) -> ParsedPage:
        """Parse HTML text fetched from ``url``."""
        return cls(Selector(text=html or "<html></html>", type="html", base_url=url), url)

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
            tag = element.tag
            if not isinstance(tag, str):  # comments and processing instructions
                continue
            tag = tag.lower()
            known = URL_ATTRIBUTES.get(tag, ())
            for name, value in element.attrib.items():
                if not value:
                    continue
                if name in known or (name.startswith("data-") and _URLISH.match(value)):
                    url = resolved.get(value)
                    if url is None:
                        url = resolved[value] = self.resolve(value)
                    refs.append(UrlRef(tag, name, value, url, element))
        return tuple(refs)

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
        """Inline ``<style>`` bodies and ``style`` attributes (where CSS ``@import`` lives)."""
        blocks = [
            InlineCode("style", element.text, element)
            for element in self.root.iter("style")
            if element.text and element.text.strip()
        ]
        return tuple(blocks)

    def meta(self) -> Iterator[tuple[str, str, HtmlElement]]:
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
