"""What the spider hands to the pipelines: fetched pages and per-body outcomes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from crawler.archive.records import ArchivedAt, ServedExchange
from crawler.detection.findings import PageFindings


@dataclass(slots=True)
class PageItem:
    """One fetched (or failed) page of a body; ``findings`` is set for analysed HTML pages."""

    body_id: str
    url: str
    depth: int
    final_url: str | None = None
    status: int | None = None
    content_type: str | None = None
    bytes: int | None = None
    content_hash: str | None = None
    title: str | None = None
    error: str | None = None
    findings: PageFindings | None = field(default=None, repr=False)
    # What a browser did with the page (--render); stored with the page, in the same transaction.
    render: PageRender | None = field(default=None, repr=False)
    # The exchange as sent and served, for the archive (crawl --archive), and where it went.
    served: ServedExchange | None = field(default=None, repr=False)
    archived: ArchivedAt | None = None


@dataclass(frozen=True, slots=True)
class RenderedRequest:
    """A request the browser made (or was refused) while the page loaded, before any consent."""

    url: str
    host: str
    method: str
    resource_type: str  # Chromium's: document, script, image, xhr, fetch, ...
    status: int | None  # None: no answer (refused, failed, or a leaf not downloaded)
    third_party: bool  # outside the page's registrable domain
    # Why the crawl stopped it ("private_address", "not_downloaded") or why it failed.
    blocked: str | None = None
    # The page's own document or a redirect hop to it: the page, not something it loads.
    navigation: bool = False


# Chromium's reasons for refusing a cookie only because third-party cookies are blocked.
THIRD_PARTY_BLOCK_REASONS = frozenset(
    {"UserPreferences", "ThirdPartyPhaseout", "ThirdPartyBlockedInFirstPartySet"}
)


@dataclass(frozen=True, slots=True)
class RenderedCookie:
    """A cookie the page's browser context held after the wait, or one it refused."""

    name: str
    domain: str
    path: str
    lifetime_days: float | None  # None: a session cookie
    http_only: bool
    secure: bool
    same_site: str | None
    third_party: bool
    set_by: str  # "header", "script", or "unknown"
    refused: str | None = None  # the browser's reason, for a Set-Cookie it did not store

    @property
    def set_before_consent(self) -> bool:
        """Held by the browser, or refused only by its third-party cookie block though valid for
        one without it (``SameSite=None; Secure``), as a default desktop browser keeps it.

        The browser's contexts block every third-party cookie, as private windows do; counting
        only what they held would count no third-party cookie at all.
        """
        if self.refused is None:
            return True
        return (
            self.refused in THIRD_PARTY_BLOCK_REASONS
            and (self.same_site or "").lower() == "none"
            and self.secure
        )


@dataclass(frozen=True, slots=True)
class StorageKey:
    """A key the page left in its origin's localStorage or sessionStorage."""

    area: str  # "local" or "session"
    key: str


@dataclass(slots=True)
class PageRender:
    """What headless Chromium loaded, requested and stored for one page, nothing clicked."""

    url: str
    final_url: str | None = None
    error: str | None = None  # "render_failed: <reason>"
    duration_ms: int | None = None
    requests: tuple[RenderedRequest, ...] = ()
    cookies: tuple[RenderedCookie, ...] = ()
    storage: tuple[StorageKey, ...] = ()
    # The rendered DOM run through the detectors, trackers also matched against the requests.
    findings: PageFindings | None = field(default=None, repr=False)
    dom: bytes | None = field(default=None, repr=False)  # the rendered DOM, for the archive
    archived: ArchivedAt | None = None  # where the DOM's record went (crawl --archive)


def render_log(render: PageRender) -> dict[str, object]:
    """What the browser did for a page, as the JSON the archive keeps next to its DOM."""
    return {
        "url": render.url,
        "final_url": render.final_url,
        "duration_ms": render.duration_ms,
        "requests": [asdict(request) for request in render.requests],
        "cookies": [asdict(cookie) for cookie in render.cookies],
        "storage": [asdict(key) for key in render.storage],
    }


def logged_requests(log: dict[str, object]) -> tuple[RenderedRequest, ...]:
    """The browser's requests from an archived log (see :func:`render_log`)."""
    requests = log.get("requests")
    assert isinstance(requests, list)
    return tuple(RenderedRequest(**request) for request in requests)


@dataclass(slots=True)
class BodyOutcome:
    """How crawling one body ended in this run: reachable or not, and why."""

    body_id: str
    seed_url: str
    reachable: bool
    outcome: str
    reason: str | None
    final_url: str | None
    moved_to: str | None
    pages_fetched: int
    started_at: datetime
