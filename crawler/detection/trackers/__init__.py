"""Tracker and third-party technology detection driven by ``catalogue/trackers.toml``.

``detect_trackers(page)`` returns one ``TrackerHit`` per catalogued technology the page loads:
from resource URLs (host suffix or self-hosted path segment), inline script signatures and
element signatures, with the account ids the catalogue says how to extract. A hit is
``consent_gated`` only when every occurrence is held back for consent (inert ``text/plain``
script, URL parked in a consent tool's data attribute, two-click placeholder).

Given the URLs a browser requested for the page (``requested_resources``), those are matched
too, and each hit says where it was seen: ``markup``, ``requests`` or ``markup+requests``.
"""

from __future__ import annotations

from collections.abc import Sequence

from crawler.detection.findings import TrackerHit
from crawler.detection.page import ParsedPage
from crawler.detection.trackers.catalogue import Catalogue, TrackerSpec, load_catalogue
from crawler.detection.trackers.detector import TrackerMatcher
from crawler.detection.trackers.resources import Resource

CATALOGUE: Catalogue = load_catalogue()
_MATCHER = TrackerMatcher(CATALOGUE)

__all__ = ["CATALOGUE", "Catalogue", "TrackerMatcher", "TrackerSpec", "detect_trackers"]


def detect_trackers(page: ParsedPage, requests: Sequence[Resource] = ()) -> list[TrackerHit]:
    """One hit per catalogued tracker the page loads, holds back or requested, sorted by id."""
    return _MATCHER.detect(page, requests)
