"""Everything the crawl learns from one HTML page, from a single parse: title, findings, links.

Pure: text and URL in, a picklable :class:`PageAnalysis` out, so the same function runs in the
crawl process or in an analysis worker (``crawler/analysis/pool.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from crawler.analysis.linkrank import Candidate, rank_links
from crawler.detection.detect import detect_page
from crawler.detection.filterlists import FilterList
from crawler.detection.findings import PageFindings
from crawler.detection.page import ParsedPage
from crawler.detection.rendered import RequestedUrl, detect_rendered
from crawler.items import RenderedRequest

TITLE_MAX = 500


@dataclass(frozen=True, slots=True)
class PageAnalysis:
    """A page's title, its findings and, when asked for, its same-site links best first."""

    title: str | None
    findings: PageFindings
    links: tuple[Candidate, ...] = ()


def analyse_page(
    html: str | bytes,
    url: str,
    site_domains: frozenset[str] | None,
    filter_lists: Sequence[FilterList] = (),
) -> PageAnalysis:
    """Parse ``html`` (text, or UTF-8 bytes) fetched from ``url`` once; rank its links only if
    ``site_domains`` is given.

    Ranking is the costliest step after parsing, and a body whose page budget is spent has no
    use for it: the spider passes ``None`` then.
    """
    page = ParsedPage.from_html(html, url)
    links = tuple(rank_links(page, site_domains)) if site_domains is not None else ()
    return PageAnalysis(page_title(page), detect_page(page, filter_lists), links)


def page_title(page: ParsedPage) -> str | None:
    """The first ``<title>``'s text, whitespace collapsed and cut to a storable length."""
    for element in page.root.iter("title"):
        text = " ".join("".join(element.itertext()).split())
        return text[:TITLE_MAX] or None
    return None


def analyse_rendered(
    html: str | bytes,
    url: str,
    requested: Sequence[RequestedUrl],
    filter_lists: Sequence[FilterList] = (),
) -> PageFindings:
    """The findings of a rendered page: its DOM, and the URLs the browser requested for it."""
    return detect_rendered(ParsedPage.from_html(html, url), requested, filter_lists)


def requested_urls(requests: Iterable[RenderedRequest]) -> list[RequestedUrl]:
    """What the browser requested for a page, less the page itself and its redirect hops."""
    return [
        RequestedUrl(request.url, request.resource_type)
        for request in requests
        if not request.navigation
    ]
