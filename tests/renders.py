"""Rendered pages as the crawl hands them to the writer, for tests of storage, views and exports."""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.detection.findings import Evidence, PageFindings, SocialLink, TrackerHit
from crawler.items import PageItem, PageRender, RenderedCookie, RenderedRequest, StorageKey


def _third_party(host: str, site: str) -> bool:
    return host != site and not host.endswith("." + site)


def request(
    url: str,
    site: str,
    *,
    resource_type: str = "script",
    status: int | None = 200,
    blocked: str | None = None,
) -> RenderedRequest:
    """A GET the browser made from a page of ``site`` (its registrable domain)."""
    host = urlsplit(url).hostname or ""
    return RenderedRequest(
        url=url,
        host=host,
        method="GET",
        resource_type=resource_type,
        status=status,
        third_party=_third_party(host, site),
        blocked=blocked,
    )


def cookie(
    name: str,
    domain: str,
    site: str,
    *,
    lifetime_days: float | None = 90.0,
    set_by: str = "script",
    refused: str | None = None,
) -> RenderedCookie:
    """A cookie held (or, with ``refused``, a Set-Cookie refused) after a page of ``site``."""
    return RenderedCookie(
        name=name,
        domain=domain,
        path="/",
        lifetime_days=lifetime_days,
        http_only=set_by == "header",
        secure=True,
        same_site="Lax" if lifetime_days is not None else None,
        third_party=_third_party(domain.lstrip("."), site),
        set_by=set_by,
        refused=refused,
    )


def tracker(tracker_id: str, seen_in: str, *, consent_gated: bool = False) -> TrackerHit:
    """A catalogued tracker as the detectors report it on a rendered page."""
    return TrackerHit(
        id=tracker_id,
        name=tracker_id.replace("-", " ").title(),
        vendor="Vendor of " + tracker_id,
        vendor_country="US",
        category="analytics",
        third_country=True,
        ids=("ID-1",),
        consent_gated=consent_gated,
        evidence=Evidence.of("script", "src", f"https://{tracker_id}.example/t.js", tracker_id),
        seen_in=seen_in,
    )


def profile(platform: str, handle: str) -> SocialLink:
    """A profile link in the rendered DOM."""
    url = f"https://{platform}.example/{handle}"
    return SocialLink(
        platform=platform,
        link_kind="profile",
        url=url,
        handle=handle,
        canonical_url=url,
        account_type="page",
        evidence=Evidence.of("a", "href", url, f"{platform}.profile"),
    )


def rendered_page(
    body_id: str,
    url: str,
    *,
    requests: tuple[RenderedRequest, ...] = (),
    cookies: tuple[RenderedCookie, ...] = (),
    storage: tuple[StorageKey, ...] = (),
    trackers: tuple[TrackerHit, ...] = (),
    links: tuple[SocialLink, ...] = (),
    error: str | None = None,
    depth: int = 1,
) -> PageItem:
    """A fetched HTML page with its render; with ``error``, a render that failed."""
    return PageItem(
        body_id=body_id,
        url=url,
        depth=depth,
        final_url=url,
        status=200,
        content_type="text/html",
        bytes=2048,
        title="Datenschutz",
        findings=PageFindings(url=url),
        render=PageRender(
            url=url,
            final_url=None if error else url,
            error=error,
            duration_ms=1800,
            requests=requests,
            cookies=cookies,
            storage=storage,
            findings=PageFindings(url=url, links=links, trackers=trackers),
        ),
    )
