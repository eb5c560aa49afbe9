"""Findings of a rendered page: its rendered DOM plus every URL its browser requested.

API::

    requested = [RequestedUrl("https://www.facebook.com/tr/?id=1234…&ev=PageView", "image"), …]
    findings = detect_rendered(ParsedPage.from_html(dom, final_url), requested, filter_lists)

``page`` is the rendered DOM parsed with its final URL; ``requested`` the browser's requests
with Chromium's resource types, in any order (they are sorted, so the same requests always give
the same findings). The page's own document and ``data:``/``blob:`` URLs are left out.

- ``links``: the social links of the rendered DOM, classified as on a static page.
- ``trackers``: one hit per tracker id. Requested URLs are matched with the same URL rules as
  the page's resources (host suffix, self-hosted path segment, path and query, vetoed hosts,
  first party) and give ids the same way; attribute ids need an element and do not apply.
  ``seen_in`` says ``markup``, ``requests`` or ``markup+requests``. ``consent_gated`` keeps its
  markup meaning (every markup occurrence held back), so a hit gated in the markup and yet
  requested is ``consent_gated`` and ``markup+requests``: it loaded before anyone agreed. A
  request-only hit is never gated. Evidence: the markup's when there is some, else
  ``Evidence("request", <resource type>, <url>, <url rule>)``.
- ``third_party_hosts``: hosts outside the page's registrable domain among its resources and
  its requests.
- ``filter_hits``: the filter lists matched against the page's resources, then its requests.

Consent gating is a property of the HTML as served: ``with_served_gating`` gives each rendered
hit the gating of the served page's hit of the same tracker, so a pixel that the served markup
holds back and a tag manager injects anyway reads ``consent_gated`` and ``markup+requests``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from crawler.detection.detect import detect_page
from crawler.detection.filterlists import FilterList
from crawler.detection.findings import PageFindings, RequestedUrl
from crawler.detection.page import ParsedPage
from crawler.detection.trackers.resources import requested_resources

__all__ = ["RequestedUrl", "detect_rendered", "with_served_gating"]


def detect_rendered(
    page: ParsedPage,
    requested: Sequence[RequestedUrl],
    filter_lists: Sequence[FilterList] = (),
) -> PageFindings:
    """Findings of a rendered DOM, its trackers and hosts also read from the browser's requests."""
    return detect_page(page, filter_lists, requested_resources(page, requested))


def with_served_gating(rendered: PageFindings, served: PageFindings) -> PageFindings:
    """``rendered`` with each tracker gated as the served page's markup gates it.

    The rendered DOM shows what scripts added at run time, ungated by nature; whether the site
    meant to hold a tracker back is read from the HTML it served. Trackers the served page does
    not name keep the rendered DOM's gating.
    """
    gated = {hit.id: hit.consent_gated for hit in served.trackers}
    trackers = tuple(
        replace(hit, consent_gated=gated[hit.id]) if hit.id in gated else hit
        for hit in rendered.trackers
    )
    return replace(rendered, trackers=trackers)
