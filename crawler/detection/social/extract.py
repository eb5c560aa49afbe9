"""Social links of one parsed page: anchors, embeds, rel="me", meta tags and JSON-LD sameAs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import lru_cache
from urllib.parse import urlsplit

from lxml.etree import _Element

from crawler.detection.findings import Evidence, SocialLink
from crawler.detection.page import ParsedPage, UrlRef, clean_url
from crawler.detection.social.catalogue import MetaReference, load_catalogue
from crawler.detection.social.classify import (
    Classification,
    account_reference,
    classify_url,
    normalize_host,
    platform_for_host,
)

# Elements that load resources (scripts, images, media) never link to an account, and their
# URLs on platform hosts are assets (platform.twitter.com/widgets.js, facebook.com/tr pixels).
_RESOURCE_TAGS = frozenset({"script", "img", "source", "track", "audio", "video", "input"})
_RESOURCE_RELS = frozenset(
    {
        "stylesheet",
        "icon",
        "preload",
        "prefetch",
        "preconnect",
        "dns-prefetch",
        "modulepreload",
        "apple-touch-icon",
        "manifest",
    }
)
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Where a content URL is shown in place rather than linked to, it is an embed.
_LINK_TAGS = frozenset({"a", "area", "link"})


def _fast_host(url: str) -> str:
    """The host of an absolute URL by string slicing (most page URLs are never parsed further)."""
    start = url.find("//")
    if start < 0:
        return ""
    start += 2
    end = len(url)
    for stop in "/?#":
        found = url.find(stop, start)
        if 0 <= found < end:
            end = found
    return _netloc_host(url[start:end])


@lru_cache(maxsize=4096)
def _netloc_host(netloc: str) -> str:
    """The normalised host of a netloc; a page names its own and a few others' hosts again and
    again, so each is worked out once."""
    host = netloc
    if "@" in host:
        host = host.rpartition("@")[2]
    if ":" in host and not host.startswith("["):
        host = host.partition(":")[0]
    return normalize_host(host)


def _rel_tokens(ref: UrlRef) -> frozenset[str]:
    return frozenset((ref.element.get("rel") or "").lower().split())


# Attributes of a link and of the icons inside it that may name the network it leads to.
_LABEL_ATTRIBUTES = ("class", "title", "aria-label", "alt", "src", "href", _XLINK_HREF, "data-icon")
# How far up from a link its list of social links may begin (a > li > ul, a > span > div > nav).
_LIST_LEVELS = 3
# A container holding more links than this is a page region, not a list of social links.
_LIST_MAX_LINKS = 40


def _fediverse_evidence(
    ref: UrlRef, candidate: Classification, page: ParsedPage
) -> str | None:
    """Why a /@user link on an unknown host counts as a fediverse account, or None.

    Strong evidence: rel="me", or the link text spelling the account. Weaker evidence, taken only
    for a bare /@user link to another host: a label naming the network (text, title, aria-label,
    class or icon), or a place among the page's links to profiles on known platforms.
    """
    if "me" in _rel_tokens(ref):
        return "rel-me"
    text = "".join(ref.element.itertext()).strip().lower().lstrip("@")
    if candidate.handle is not None and text == candidate.handle:
        return "acct-text"
    if not _bare_profile_path(ref.url) or _fast_host(ref.url) == _fast_host(page.url):
        return None
    if _names_the_fediverse(ref.element, text):
        return "label"
    if _among_profile_links(ref.element, page):
        return "among-profiles"
    return None


def _bare_profile_path(url: str) -> bool:
    """True for ``https://host/@user`` (a trailing slash allowed), nothing below it."""
    path = urlsplit(url).path.strip("/")
    return path.startswith("@") and "/" not in path


def _names_the_fediverse(element: _Element, text: str) -> bool:
    """True when the link's text, attributes or icons name Mastodon or the fediverse."""
    words = load_catalogue().fediverse_words
    if words is None:
        return False
    if words.search(text):
        return True
    for node in element.iter():
        for name in _LABEL_ATTRIBUTES:
            value = node.get(name)
            if value and words.search(value.lower()):
                return True
    return False


def _visible_length(texts: Iterable[str]) -> int:
    return sum(len("".join(text.split())) for text in texts)


def _among_profile_links(element: _Element, page: ParsedPage) -> bool:
    """True when a list of links around the link also links a profile on a known platform.

    A list: a container whose text is all inside its links (ul > li > a, a div of icon links).
    A link in running text, or in a region with prose, is in no list.
    """
    container = element
    for _ in range(_LIST_LEVELS):
        container = container.getparent()
        if container is None or container.tag in ("body", "html"):
            return False
        anchors = list(container.iter("a"))
        if len(anchors) > _LIST_MAX_LINKS:
            return False
        link_text = _visible_length(text for a in anchors for text in a.itertext())
        if _visible_length(container.itertext()) > link_text:
            return False
        for anchor in anchors:
            if anchor is element or not anchor.get("href"):
                continue
            url = page.resolve(anchor.get("href") or "")
            if platform_for_host(_fast_host(url)) is None:
                continue
            found = classify_url(url)
            if found is not None and found.link_kind == "profile" and found.handle:
                return True
    return False


def _classify_ref(ref: UrlRef, page: ParsedPage) -> Classification | None:
    """Classify one URL attribute, applying the element-level evidence rules."""
    if ref.tag in _RESOURCE_TAGS:
        return None
    if ref.tag == "link" and _rel_tokens(ref) & _RESOURCE_RELS:
        return None
    url = ref.url
    catalogue = load_catalogue()
    scheme = url.partition(":")[0].lower()
    if scheme not in ("http", "https"):
        return classify_url(url) if scheme in catalogue.schemes else None
    host = _fast_host(url)
    if platform_for_host(host) is not None:
        return classify_url(url)
    fediverse = catalogue.fediverse
    if fediverse is None or not _may_name_fediverse_account(url):
        return None
    found = classify_url(url)  # the acct form (/@user@domain) needs no further evidence
    if found is not None:
        return found
    candidate = classify_url(url, fediverse_evidence=True)
    if candidate is None:
        return None
    reason = _fediverse_evidence(ref, candidate, page)
    return replace(candidate, rule=f"{candidate.rule}+{reason}") if reason else None


def _link(found: Classification, url: str, evidence: Evidence) -> SocialLink:
    return SocialLink(
        platform=found.platform,
        link_kind=found.link_kind,
        url=url,
        handle=found.handle,
        canonical_url=found.canonical_url,
        account_type=found.account_type,
        evidence=evidence,
        resolved=found.resolved,
    )


def _may_name_fediverse_account(url: str) -> bool:
    return "/@" in url or "/users/" in url


def _from_url_refs(page: ParsedPage) -> Iterator[SocialLink]:
    catalogue = load_catalogue()
    # Most references point at the page's own site. A URL that starts with its origin and a
    # slash has exactly that host, so one prefix test replaces the host lookup; such a URL can
    # still name a fediverse account when the site runs its own instance.
    own_prefix = page.origin + "/"
    own_site_is_platform = platform_for_host(_fast_host(own_prefix)) is not None
    for ref in page.url_refs:
        url = ref.url
        if (
            url.startswith(own_prefix)
            and not own_site_is_platform
            and not _may_name_fediverse_account(url)
        ):
            continue
        found = _classify_ref(ref, page)
        if found is None:
            continue
        if found.link_kind == "content" and ref.tag not in _LINK_TAGS:
            found = replace(found, link_kind="embed")
        yield _link(found, ref.url, Evidence.of(ref.tag, ref.attribute, ref.raw, found.rule))
        if found.link_kind != "share":
            continue
        if found.via is not None:
            yield _link(
                found.via,
                found.via.canonical_url or ref.url,
                Evidence.of(ref.tag, ref.attribute, ref.raw, found.via.rule),
            )
        for attribute in catalogue.share_attributes:
            value = ref.element.get(attribute.attribute)
            if attribute.platform != found.platform or not value:
                continue
            named = account_reference(attribute.platform, value, attribute.rule)
            if named is not None:
                yield _link(
                    named,
                    named.canonical_url or ref.url,
                    Evidence.of(ref.tag, attribute.attribute, value, named.rule),
                )


def _meta_account(reference: MetaReference, content: str) -> Classification | None:
    if reference.form == "url" or content.lower().startswith(("http://", "https://")):
        found = classify_url(clean_url(content))
        if found is None or found.link_kind != "profile":
            return None
        return replace(found, rule=f"{reference.rule}>{found.rule}")
    if reference.form == "at-handle":
        if not content.startswith("@") or reference.platform is None:
            return None
        return account_reference(reference.platform, content, reference.rule)
    user, at, host = content.strip().lstrip("@").partition("@")
    if not at or not user or not host:
        return None
    found = classify_url(f"https://{host}/@{user}", fediverse_evidence=True)
    if found is None or found.link_kind != "profile" or found.platform != reference.platform:
        return None
    return replace(found, rule=reference.rule)


def _from_meta(page: ParsedPage) -> Iterator[SocialLink]:
    references = load_catalogue().meta
    for key, content, element in page.meta():
        reference = references.get(key)
        if reference is None:
            continue
        found = _meta_account(reference, content)
        if found is not None:
            attribute = "property" if element.get("property") else "name"
            evidence = Evidence.of("meta", attribute, f"{key}={content}", found.rule)
            yield _link(found, found.canonical_url or content, evidence)


def _same_as_values(document: object) -> Iterator[str]:
    """Every string under a "sameAs" key, at any depth (``@graph`` nests organisations)."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "sameAs":
                    values = value if isinstance(value, list) else [value]
                    yield from (item for item in values if isinstance(item, str))
                elif isinstance(value, dict | list):
                    stack.append(value)


def _from_json_ld(page: ParsedPage) -> Iterator[SocialLink]:
    for block in page.json_ld:
        if "sameAs" not in block:
            continue
        try:
            document = json.loads(block)
        except json.JSONDecodeError:  # broken JSON-LD is the page's problem; it names nothing
            continue
        for value in _same_as_values(document):
            url = clean_url(value)
            found = classify_url(url)
            if found is not None:
                yield _link(found, url, Evidence.of("script", "sameAs", value, found.rule))


def _widget_services(value: str | None, default: tuple[str, ...]) -> list[str]:
    """Service names from a JSON list (Shariff's own form) or a comma-separated list."""
    if value is None:
        return list(default)
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value.split(",")
    if not isinstance(parsed, list):
        return []
    return [str(item).strip().lower() for item in parsed if str(item).strip()]


def _from_share_widgets(page: ParsedPage) -> Iterator[SocialLink]:
    for widget in load_catalogue().share_widgets:
        if not page.may_contain(widget.css_class):
            continue
        # A substring test in XPath, then the class-token test in Python: the XPath string
        # functions that test tokens cost more on a large page than all other social detection.
        for element in page.root.xpath(f"//*[contains(@class, '{widget.css_class}')]"):
            if widget.css_class not in (element.get("class") or "").split():
                continue
            value = element.get(widget.attribute)
            for service in _widget_services(value, widget.default):
                platform = widget.services.get(service)
                if platform is None:
                    continue
                yield SocialLink(
                    platform=platform,
                    link_kind="share",
                    url=page.url,
                    handle=None,
                    canonical_url=None,
                    account_type=None,
                    evidence=Evidence.of(
                        element.tag,
                        widget.attribute if value is not None else "class",
                        value if value is not None else widget.css_class,
                        widget.rule,
                    ),
                )


def detect_social_links(page: ParsedPage) -> list[SocialLink]:
    """Every social link of the page, deduplicated by (platform, kind, handle or URL).

    Order: URL attributes in document order, then meta tags, then JSON-LD; the first occurrence
    of a key is kept with its evidence.
    """
    links: list[SocialLink] = []
    seen: set[tuple[str, str, str]] = set()
    for link in (
        *_from_url_refs(page),
        *_from_meta(page),
        *_from_json_ld(page),
        *_from_share_widgets(page),
    ):
        key = (link.platform, link.link_kind, link.handle or link.url)
        if key not in seen:
            seen.add(key)
            links.append(link)
    return links
