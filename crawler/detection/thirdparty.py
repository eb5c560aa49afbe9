"""Third-party hosts: every host outside the page's registrable domain that the page loads from.

Counted: resources fetched while the page renders (scripts, images, frames, ``link``
stylesheets/icons/preloads, media, objects, URLs in inline ``<style>``), connection hints
(``link rel=preconnect|dns-prefetch``) and form targets. Not counted: plain ``<a href>``
links (navigation, not a transfer) and URLs parked in ``data-*`` attributes until consent (the
tracker detector reports those as ``consent_gated``). Registrable domains come from tldextract's
bundled public-suffix snapshot (ICANN section), never fetched at run time, so every
``*.cloudfront.net`` host counts towards one party, the operator of ``cloudfront.net``.
On a rendered page the hosts its browser requested count as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from urllib.parse import urlsplit

from crawler.detection.domains import registrable_domain
from crawler.detection.findings import ThirdPartyHost
from crawler.detection.page import ParsedPage
from crawler.detection.trackers import CATALOGUE
from crawler.detection.trackers.resources import Resource, page_resources


def third_party_hosts(page: ParsedPage, requests: Iterable[Resource] = ()) -> list[ThirdPartyHost]:
    """Hosts the page loads from, hints at, posts to or requested, outside its own domain."""
    own_domain = registrable_domain((urlsplit(page.url).hostname or "").rstrip("."))
    found: set[ThirdPartyHost] = set()
    for resource in chain(page_resources(page, CATALOGUE.consent), requests):
        if resource.kind == "parked":
            continue
        host = resource.host.rstrip(".")
        domain = registrable_domain(host)
        if domain != own_domain:
            found.add(ThirdPartyHost(host=host, domain=domain))
    return sorted(found, key=lambda item: (item.domain, item.host))
