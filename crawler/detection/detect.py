"""Run every detector over one parsed page."""

from __future__ import annotations

from collections.abc import Sequence

from crawler.detection.filterlists import FilterList, match_filter_lists
from crawler.detection.findings import PageFindings
from crawler.detection.page import ParsedPage
from crawler.detection.social import detect_social_links
from crawler.detection.thirdparty import third_party_hosts
from crawler.detection.trackers import detect_trackers
from crawler.detection.trackers.resources import Resource


def detect(html: str, url: str, filter_lists: Sequence[FilterList] = ()) -> PageFindings:
    """Findings of one page given as text, fetched from ``url``."""
    return detect_page(ParsedPage.from_html(html, url), filter_lists)


def detect_page(
    page: ParsedPage,
    filter_lists: Sequence[FilterList] = (),
    requests: Sequence[Resource] = (),
) -> PageFindings:
    """Findings of an already parsed page; filter lists are matched only when given.

    ``requests``: what a browser requested for the page (see ``crawler.detection.rendered``).
    """
    return PageFindings(
        url=page.url,
        links=tuple(detect_social_links(page)),
        trackers=tuple(detect_trackers(page, requests)),
        third_party_hosts=tuple(third_party_hosts(page, requests)),
        filter_hits=tuple(match_filter_lists(page, list(filter_lists), requests)),
    )
