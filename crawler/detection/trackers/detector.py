"""Match a parsed page against the tracker catalogue: resource URLs, inline scripts, elements.

A rendered page brings the URLs its browser requested as well; they are matched with the same
URL rules as the page's resources, so a tracker injected at run time is found the same way.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import SplitResult, unquote, urlsplit

from lxml.etree import _Element

from crawler.detection.domains import registrable_domain
from crawler.detection.findings import Evidence, TrackerHit
from crawler.detection.page import InlineCode, ParsedPage
from crawler.detection.trackers.catalogue import (
    Catalogue,
    DomRule,
    IdPattern,
    Role,
    ScriptRule,
    TrackerSpec,
    UrlRule,
)
from crawler.detection.trackers.resources import Resource, page_resources, script_is_inert

# Block comments and whole-line // comments: commented-out snippets must not count.
_JS_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_JS_LINE_COMMENT = re.compile(r"^[ \t]*//.*$", re.MULTILINE)
_SNIPPET_BEFORE = 60
_SNIPPET_AFTER = 160


def strip_js_comments(text: str) -> str:
    """Script text without block comments and lines that are only a // comment."""
    if "/*" in text:
        text = _JS_BLOCK_COMMENT.sub(" ", text)
    if "//" in text:
        text = _JS_LINE_COMMENT.sub("", text)
    return text


def _host_suffixes(host: str) -> Iterator[str]:
    """``a.b.example.org`` -> ``a.b.example.org``, ``b.example.org``, ``example.org``."""
    labels = host.split(".")
    for start in range(len(labels) - 1):
        yield ".".join(labels[start:])


def _same_site(host: str, page_url: str) -> bool:
    """True when ``host`` shares the page's registrable domain (a first-party resource)."""
    page_host = (urlsplit(page_url).hostname or "").rstrip(".")
    return registrable_domain(host) == registrable_domain(page_host)


def _on_hosts(host: str, suffixes: tuple[str, ...]) -> bool:
    return any(host == suffix or host.endswith("." + suffix) for suffix in suffixes)


@dataclass(slots=True)
class _Occurrence:
    """The merged state of one tracker on one page while the page is scanned."""

    spec: TrackerSpec
    evidence: Evidence
    in_markup: bool
    requested: bool = False
    ids: dict[str, None] = field(default_factory=dict)
    # Gating AND-ed over the markup occurrences that load the tracker, and separately over those
    # that only configure it (gtag('config', ...), fbq('init', ...)); None: none seen yet.
    loader_gated: bool | None = None
    config_gated: bool | None = None

    @property
    def gated(self) -> bool:
        """Held back when every loader is; configuration counts only where no loader is seen.

        A plain ``gtag('config', ...)`` beside a loader held back by a consent tool sends
        nothing before consent: it only queues commands for the script that is not loaded.
        """
        if self.loader_gated is not None:
            return self.loader_gated
        return bool(self.config_gated)

    def add_markup(self, gated: bool, role: Role) -> None:
        """AND one markup occurrence's gating into its role's gating."""
        if role == "config":
            self.config_gated = gated if self.config_gated is None else self.config_gated and gated
        else:
            self.loader_gated = gated if self.loader_gated is None else self.loader_gated and gated

    @property
    def seen_in(self) -> str:
        """``markup``, ``requests`` or ``markup+requests``."""
        if not self.requested:
            return "markup"
        return "markup+requests" if self.in_markup else "requests"


class _Hits:
    """Collects occurrences per tracker id: first evidence kept, ids merged, gating AND-ed.

    Markup is added before requests, so a tracker seen in both keeps its markup evidence and
    its gating reflects the markup alone: a request never ungates it, it only adds ``requests``
    to where the tracker was seen.
    """

    def __init__(self, page: ParsedPage) -> None:
        self.page = page
        self.by_id: dict[str, _Occurrence] = {}

    def add(
        self,
        spec: TrackerSpec,
        evidence: Evidence,
        gated: bool,
        ids: Iterable[str],
        requested: bool = False,
        role: Role = "loader",
    ) -> None:
        occurrence = self.by_id.get(spec.id)
        if occurrence is None:
            occurrence = self.by_id[spec.id] = _Occurrence(spec, evidence, in_markup=not requested)
        if requested:
            occurrence.requested = True
        else:
            occurrence.in_markup = True
            occurrence.add_markup(gated, role)
        for found in ids:
            occurrence.ids.setdefault(found, None)

    def results(self) -> list[TrackerHit]:
        return [
            TrackerHit(
                id=o.spec.id,
                name=o.spec.name,
                vendor=o.spec.vendor,
                vendor_country=o.spec.vendor_country,
                category=o.spec.category,
                third_country=o.spec.third_country,
                ids=tuple(o.ids),
                consent_gated=o.gated,
                evidence=o.evidence,
                seen_in=o.seen_in,
            )
            for _, o in sorted(self.by_id.items())
        ]


def _decoded(value: str, inner: re.Pattern[str]) -> str | None:
    """The id inside a base64 value (its padding possibly percent-escaped), or None."""
    try:
        text = base64.b64decode(unquote(value), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):  # not base64 text: the value names no id
        return None
    found = inner.search(text)
    return found.group(1) if found else None


def _extract(patterns: tuple[IdPattern, ...], text: str, page: ParsedPage) -> Iterator[str]:
    for id_pattern in patterns:
        for match in id_pattern.pattern.finditer(text):
            value: str | None = match.group(1)
            if value is None:
                continue
            if id_pattern.inner is not None:
                value = _decoded(value, id_pattern.inner)
                if value is None:
                    continue
            yield page.resolve(value) if id_pattern.resolve_url else value


def _attribute_ids(
    spec: TrackerSpec, element: _Element | None, page: ParsedPage, url: str | None = None
) -> Iterator[str]:
    """Ids in the attributes of ``element``; ``url`` is the resource it loads, when known."""
    if element is None:  # a requested URL: no element, so no attribute carries an id
        return
    for id_pattern in spec.id_patterns_from("attribute"):
        value = element.get(id_pattern.attribute or "")
        if not value:
            continue
        if id_pattern.if_url is not None:
            loads = url or page.resolve(element.get("src") or element.get("href") or "")
            if not id_pattern.if_url.search(loads):
                continue
        yield from _extract((id_pattern,), value.strip(), page)


class TrackerMatcher:
    """A catalogue compiled into lookup tables: host suffix, path segment, literal, attribute."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.by_host: dict[str, list[tuple[TrackerSpec, UrlRule]]] = defaultdict(list)
        self.by_segment: dict[str, list[tuple[TrackerSpec, UrlRule]]] = defaultdict(list)
        self.scripts: list[tuple[TrackerSpec, ScriptRule]] = []
        # tag -> attribute -> rules: elements are visited with lxml's tag-filtered iterator.
        self.dom_by_tag: dict[str, dict[str, list[tuple[TrackerSpec, DomRule]]]] = {}
        for spec in catalogue.trackers:
            for url_rule in spec.url_rules:
                for host in url_rule.hosts:
                    self.by_host[host].append((spec, url_rule))
                for segment in url_rule.segments:
                    self.by_segment[segment].append((spec, url_rule))
            self.scripts.extend((spec, script_rule) for script_rule in spec.script_rules)
            for dom_rule in spec.dom_rules:
                by_attribute = self.dom_by_tag.setdefault(dom_rule.tag, {})
                by_attribute.setdefault(dom_rule.attribute, []).append((spec, dom_rule))
        self.dom_tags = tuple(self.dom_by_tag)

    def detect(self, page: ParsedPage, requests: Sequence[Resource] = ()) -> list[TrackerHit]:
        """Every catalogued technology the page loads or holds back for consent.

        ``requests``: what a browser requested for the page (``requested_resources``), matched
        after the markup with the same URL rules.
        """
        hits = _Hits(page)
        for resource in page_resources(page, self.catalogue.consent):
            if resource.kind in ("loaded", "parked"):
                self._match_resource(resource, hits)
        codes = [self._match_script(script, hits) for script in page.inline_scripts]
        if self.dom_tags:
            for element in page.root.iter(*self.dom_tags):
                self._match_element(element, hits)
        for request in requests:
            self._match_resource(request, hits)
        self._collect_page_wide_ids(page, codes, hits)
        return hits.results()

    def _collect_page_wide_ids(
        self, page: ParsedPage, codes: list[str | None], hits: _Hits
    ) -> None:
        """Ids kept apart from the snippet (e.g. ``key = 'UA-…'`` in another script)."""
        for occurrence in hits.by_id.values():
            patterns = tuple(p for p in occurrence.spec.id_patterns_from("script") if p.anywhere)
            if not patterns:
                continue
            for script, code in zip(page.inline_scripts, codes, strict=True):
                text = code if code is not None else strip_js_comments(script.text)
                for found in _extract(patterns, text, page):
                    occurrence.ids.setdefault(found, None)

    def _url_rules(self, host: str, path: str) -> Iterator[tuple[TrackerSpec, UrlRule, str]]:
        """Candidate rules with the host suffix or path segment that selected them."""
        for suffix in _host_suffixes(host):
            for spec, rule in self.by_host.get(suffix, ()):
                yield spec, rule, suffix
        if self.by_segment:
            # dict.fromkeys, not set: the same URL then matches in the same order in every process.
            for segment in dict.fromkeys(path.split("/")):
                for spec, rule in self.by_segment.get(segment, ()):
                    yield spec, rule, segment

    def match_url(
        self, parts: SplitResult, host: str, page_url: str
    ) -> Iterator[tuple[TrackerSpec, str]]:
        """Entries whose URL rules match a URL, with the label of the rule that matched.

        ``parts`` and ``host`` are the URL split and its lower-case host; ``page_url`` decides
        what is first party. No element is needed: the same rules serve a page's resources and
        the URLs its browser requested.
        """
        for spec, rule, matched in self._url_rules(host, parts.path):
            if rule.not_hosts and _on_hosts(host, rule.not_hosts):
                continue
            if rule.path and not rule.path.search(parts.path):
                continue
            if rule.query and not rule.query.search(parts.query):
                continue
            if rule.first_party and not _same_site(host, page_url):
                continue
            yield spec, rule.label(matched)

    def _match_resource(self, resource: Resource, hits: _Hits) -> None:
        for spec, label in self.match_url(resource.parts, resource.host, hits.page.url):
            evidence = Evidence.of(resource.tag, resource.attribute, resource.url, label)
            ids = [
                *_extract(spec.id_patterns_from("url"), resource.url, hits.page),
                *_attribute_ids(spec, resource.element, hits.page, resource.url),
            ]
            hits.add(spec, evidence, resource.gated, ids, resource.kind == "requested")

    def _match_script(self, script: InlineCode, hits: _Hits) -> str | None:
        """Match one inline script; returns its comment-free text if it had to be computed."""
        raw = script.text
        code: str | None = None
        for spec, rule in self.scripts:
            if rule.contains not in raw:
                continue
            if code is None:
                code = strip_js_comments(raw)
            if rule.contains not in code:
                continue
            match = rule.pattern.search(code) if rule.pattern else None
            if rule.pattern and match is None:
                continue
            if rule.unless and rule.unless.search(code):
                continue
            start = match.start() if match else code.index(rule.contains)
            snippet = " ".join(
                code[max(0, start - _SNIPPET_BEFORE) : start + _SNIPPET_AFTER].split()
            )
            evidence = Evidence.of("script", None, snippet, rule.label)
            ids = [
                *_extract(spec.id_patterns_from("script"), code, hits.page),
                *_attribute_ids(spec, script.element, hits.page),
            ]
            gated = script_is_inert(script.element, self.catalogue.consent)
            hits.add(spec, evidence, gated, ids, role=rule.role)
        return code

    def _match_element(self, element: _Element, hits: _Hits) -> None:
        tag = element.tag
        for name, rules in self.dom_by_tag[tag].items():
            value = element.get(name)
            if value is None:
                continue
            for spec, rule in rules:
                if rule.equals and value != rule.equals:
                    continue
                if (
                    rule.class_token
                    and rule.class_token not in (element.get("class") or "").split()
                ):
                    continue
                evidence = Evidence.of(tag, name, value, rule.label)
                gated = tag == "script" and script_is_inert(element, self.catalogue.consent)
                ids = _attribute_ids(spec, element, hits.page)
                hits.add(spec, evidence, gated, ids, role=rule.role)
