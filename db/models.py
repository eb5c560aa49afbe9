"""SQLAlchemy models of the longitudinal dataset. Every run is kept; nothing is overwritten."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timezone-aware now, the only clock the dataset uses."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes: their zone would be a guess."""
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use db.models.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC to what SQLite returns naive."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


intpk = Annotated[int, mapped_column(Integer, primary_key=True, autoincrement=True)]
body_key = Annotated[str, mapped_column(String(64))]
URL_MAX_LENGTH = 2048
url_str = Annotated[str, mapped_column(String(URL_MAX_LENGTH))]
short_str = Annotated[str, mapped_column(String(64))]
timestamp = Annotated[datetime, mapped_column(UTCDateTime)]
counter = Annotated[int, mapped_column(Integer, default=0, server_default="0")]


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints predictably."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


def run_fk(*, index: bool = True) -> Mapped[int]:
    """The run a row belongs to; runs are never deleted while rows point at them."""
    return mapped_column(ForeignKey("crawl_runs.id"), index=index)


def run_body_index(table: str) -> Index:
    """Rows of one body in one run, found together; also serves lookups by run alone."""
    return Index(f"ix_{table}_run_id_body_id", "run_id", "body_id")


def body_fk() -> Mapped[str]:
    """The public body a row is about."""
    return mapped_column(String(64), ForeignKey("bodies.id"), index=True)


def page_fk() -> Mapped[int]:
    """The fetched page a finding was made on."""
    return mapped_column(ForeignKey("pages.id"), index=True)


def analysis_fk() -> Mapped[int]:
    """The analysis that produced a finding: the crawl's own, or a later re-analysis."""
    return mapped_column(ForeignKey("analyses.id"))


def rendered_page_fk() -> Mapped[int]:
    """The rendered page a browser observation was made on."""
    return mapped_column(ForeignKey("rendered_pages.id"), index=True)


class Body(Base):
    """A public body from a seed list, keyed by its stable id (for example the 8-digit AGS)."""

    __tablename__ = "bodies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str | None] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(8))
    parent_id: Mapped[str | None] = mapped_column(String(64))
    population: Mapped[int | None]
    wikidata: Mapped[str | None] = mapped_column(String(32))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[timestamp] = mapped_column(default=utcnow)
    updated_at: Mapped[timestamp] = mapped_column(default=utcnow, onupdate=utcnow)

    sites: Mapped[list[Site]] = relationship(back_populates="body")


class Site(Base):
    """A website of a body, by the seed URL it was listed with."""

    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("body_id", "url"),)

    id: Mapped[intpk]
    body_id: Mapped[str] = body_fk()
    url: Mapped[url_str]
    first_seen_at: Mapped[timestamp] = mapped_column(default=utcnow)

    body: Mapped[Body] = relationship(back_populates="sites")


# The statuses of a run (crawl_runs.status).
RUNNING = "running"
FINISHED = "finished"
FAILED = "failed"
INTERRUPTED = "interrupted"


class CrawlRun(Base):
    """One crawl over a seed list: when, how, with what code, and what it found in sum."""

    __tablename__ = "crawl_runs"

    id: Mapped[intpk]
    started_at: Mapped[timestamp] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), index=True)
    message: Mapped[str | None] = mapped_column(Text)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    code_version: Mapped[str] = mapped_column(String(64))
    seed_file: Mapped[str | None] = mapped_column(String(1024))
    seed_sha256: Mapped[str | None] = mapped_column(String(64))
    bodies_total: Mapped[counter]
    bodies_done: Mapped[counter]
    bodies_reachable: Mapped[counter]
    pages_fetched: Mapped[counter]
    accounts_found: Mapped[counter]
    trackers_found: Mapped[counter]
    errors: Mapped[counter]
    pid: Mapped[int | None]
    hostname: Mapped[str | None] = mapped_column(String(255))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    render_mode: Mapped[str] = mapped_column(String(16), default="none", server_default="none")
    pages_rendered: Mapped[counter]
    crawl_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archive_dir: Mapped[str | None] = mapped_column(String(1024))


# The kinds of an analysis (analyses.kind).
CRAWL_ANALYSIS = "crawl"
REANALYSIS = "reanalysis"


class Analysis(Base):
    """One analysis of a run's pages: the crawl's own, or a re-analysis of its archived pages.

    Every finding belongs to one analysis; a re-analysis adds findings and never changes those
    of an earlier analysis. The views read the newest analysis of each run (current_analyses).
    """

    __tablename__ = "analyses"

    id: Mapped[intpk]
    run_id: Mapped[int] = run_fk()
    kind: Mapped[str] = mapped_column(String(16))
    catalogue_version: Mapped[str] = mapped_column(String(64))
    code_version: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[timestamp] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pages_analysed: Mapped[counter]


class RunWorker(Base):
    """A process that works on a run (the one that started it, a joiner or a worker).

    Its heartbeat says it is alive; ``bodies_settled`` counts the outcomes it stored.
    """

    __tablename__ = "run_workers"

    id: Mapped[intpk]
    run_id: Mapped[int] = run_fk()
    hostname: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[timestamp] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[timestamp] = mapped_column(default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stop_reason: Mapped[str | None] = mapped_column(Text)
    bodies_settled: Mapped[counter]


class RunBody(Base):
    """A body a run is to crawl, in seed-file order: the crawl reads these, not the seed list.

    On a shared (PostgreSQL) run, ``lease`` names the one batch allowed to store the body's
    pages and outcome, and ``worker_id`` the process that holds it; a newer lease fences off
    the writes of an older holder.
    """

    __tablename__ = "run_bodies"
    __table_args__ = (UniqueConstraint("run_id", "body_id"),)

    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    body_id: Mapped[str] = body_fk()
    url: Mapped[url_str]
    lease: Mapped[str | None] = mapped_column(String(32))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("run_workers.id"))


class RunBodyWithoutSite(Base):
    """A body of a run's seed list passed over for want of a website (``--skip-missing-urls``).

    Kept so that coverage (``run_coverage``) can say how many of the listed bodies a run could
    not observe at all, and no share is computed as if they did not exist.
    """

    __tablename__ = "run_bodies_without_site"

    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), primary_key=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), primary_key=True)


class BodyVisit(Base):
    """The outcome of crawling one body in one run: reachable or not, and why."""

    __tablename__ = "body_visits"
    __table_args__ = (UniqueConstraint("run_id", "body_id"),)

    id: Mapped[intpk]
    run_id: Mapped[int] = run_fk()
    body_id: Mapped[str] = body_fk()
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    seed_url: Mapped[url_str]
    final_url: Mapped[str | None] = mapped_column(String(2048))
    moved_to: Mapped[str | None] = mapped_column(String(255))
    reachable: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[short_str]
    reason: Mapped[str | None] = mapped_column(Text)
    pages_fetched: Mapped[counter]
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[timestamp] = mapped_column(default=utcnow)


class PageFetch(Base):
    """One fetched (or failed) page of a body in a run."""

    __tablename__ = "pages"
    __table_args__ = (
        UniqueConstraint("run_id", "body_id", "url"),
        Index("ix_pages_run_id_body_id", "run_id", "body_id"),
    )

    id: Mapped[intpk]
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"))
    body_id: Mapped[str] = body_fk()
    url: Mapped[url_str]
    final_url: Mapped[str | None] = mapped_column(String(2048))
    depth: Mapped[counter]
    status: Mapped[int | None]
    content_type: Mapped[str | None] = mapped_column(String(255))
    bytes: Mapped[int | None]
    content_hash: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[timestamp] = mapped_column(default=utcnow)
    warc_file: Mapped[str | None] = mapped_column(String(255))
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    warc_record_id: Mapped[str | None] = mapped_column(String(64))


class EvidenceColumns:
    """Where on the page a finding was made, and which catalogue rule matched."""

    element: Mapped[str] = mapped_column(String(32))
    attribute: Mapped[str | None] = mapped_column(String(64))
    evidence: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(128))


class SocialLinkColumns:
    """What a social link is: platform, kind, account key and URL (static and rendered tiers)."""

    platform: Mapped[str] = mapped_column(String(32))
    link_kind: Mapped[str] = mapped_column(String(16))
    handle: Mapped[str | None] = mapped_column(String(256))
    account_type: Mapped[str | None] = mapped_column(String(32))
    url: Mapped[url_str]
    canonical_url: Mapped[str | None] = mapped_column(String(2048))
    resolved: Mapped[bool] = mapped_column(Boolean, default=True)


class SocialLinkSighting(SocialLinkColumns, EvidenceColumns, Base):
    """A link to a social platform seen on a page; ``link_kind='profile'`` means an account."""

    __tablename__ = "social_links"
    __table_args__ = (
        Index("ix_social_links_run_id_platform_handle", "run_id", "platform", "handle"),
        run_body_index("social_links"),
    )

    id: Mapped[intpk]
    run_id: Mapped[int] = run_fk(index=False)
    body_id: Mapped[str] = body_fk()
    page_id: Mapped[int] = page_fk()
    analysis_id: Mapped[int] = analysis_fk()


class TrackerColumns:
    """A catalogued technology as catalogued when seen (static and rendered tiers)."""

    tracker_id: Mapped[short_str]
    name: Mapped[str] = mapped_column(String(128))
    vendor: Mapped[str] = mapped_column(String(128))
    vendor_country: Mapped[str] = mapped_column(String(8))
    category: Mapped[short_str]
    third_country: Mapped[bool] = mapped_column(Boolean)
    ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_gated: Mapped[bool] = mapped_column(Boolean, default=False)


class TrackerSighting(TrackerColumns, EvidenceColumns, Base):
    """A catalogued tracker or third-party technology seen on a page, as catalogued then."""

    __tablename__ = "tracker_sightings"
    __table_args__ = (
        Index("ix_tracker_sightings_run_id_tracker_id", "run_id", "tracker_id"),
        run_body_index("tracker_sightings"),
    )

    id: Mapped[intpk]
    run_id: Mapped[int] = run_fk(index=False)
    body_id: Mapped[str] = body_fk()
    page_id: Mapped[int] = page_fk()
    analysis_id: Mapped[int] = analysis_fk()


class ThirdPartyHostSighting(Base):
    """A host outside the body's own registrable domain that a page loads or links to."""

    __tablename__ = "third_party_hosts"

    id: Mapped[intpk]
    run_id: Mapped[int] = run_fk()
    body_id: Mapped[str] = body_fk()
    page_id: Mapped[int] = page_fk()
    analysis_id: Mapped[int] = analysis_fk()
    host: Mapped[str] = mapped_column(String(255))
    domain: Mapped[str] = mapped_column(String(255), index=True)


class FilterListHitSighting(Base):
    """A resource URL of a page matched by a user-supplied Adblock Plus filter list."""

    __tablename__ = "filter_list_hits"

    id: Mapped[intpk]
    run_id: Mapped[int] = run_fk()
    body_id: Mapped[str] = body_fk()
    page_id: Mapped[int] = page_fk()
    analysis_id: Mapped[int] = analysis_fk()
    list_name: Mapped[str] = mapped_column(String(255))
    list_version: Mapped[str] = mapped_column(String(255))
    resource_url: Mapped[url_str]
    rule: Mapped[str] = mapped_column(Text)


# The rendered tier (``crawl --render``): what headless Chromium did with a stored page before
# any consent was given (nothing is clicked). Tables and columns follow OpenWPM's names where
# they mean the same (http_requests, a cookie's name/domain/path/httpOnly/secure/sameSite).
# The views read a body's rows of a run together, hence an index on (run_id, body_id) each.


class RenderedPage(Base):
    """A stored page as headless Chromium loaded it, before consent; a failed render has ``error``.

    A failed render keeps only this row: no requests, cookies, storage keys or findings.
    """

    __tablename__ = "rendered_pages"
    __table_args__ = (run_body_index("rendered_pages"),)

    id: Mapped[intpk]
    run_id: Mapped[int] = run_fk(index=False)
    body_id: Mapped[str] = body_fk()
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), unique=True)
    url: Mapped[url_str]
    final_url: Mapped[str | None] = mapped_column(String(2048))
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int | None]
    rendered_at: Mapped[timestamp] = mapped_column(default=utcnow)
    warc_file: Mapped[str | None] = mapped_column(String(255))
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    warc_record_id: Mapped[str | None] = mapped_column(String(64))
    requests: Mapped[counter]
    third_party_requests: Mapped[counter]
    cookies: Mapped[counter]
    third_party_cookies: Mapped[counter]


class HttpRequest(Base):
    """A request the browser made while a page rendered (or one the crawl stopped)."""

    __tablename__ = "http_requests"
    __table_args__ = (run_body_index("http_requests"),)

    id: Mapped[intpk]
    run_id: Mapped[int] = run_fk(index=False)
    body_id: Mapped[str] = body_fk()
    rendered_page_id: Mapped[int] = rendered_page_fk()
    url: Mapped[url_str]
    host: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(16))
    resource_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[int | None]
    third_party: Mapped[bool] = mapped_column(Boolean)
    blocked: Mapped[str | None] = mapped_column(Text)


class BrowserCookie(Base):
    """A cookie the browser held after a page rendered, or a Set-Cookie it refused."""

    __tablename__ = "browser_cookies"
    __table_args__ = (run_body_index("browser_cookies"),)

    id: Mapped[intpk]
    run_id: Mapped[int] = run_fk(index=False)
    body_id: Mapped[str] = body_fk()
    rendered_page_id: Mapped[int] = rendered_page_fk()
    name: Mapped[str] = mapped_column(Text)
    domain: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(Text)
    lifetime_days: Mapped[float | None] = mapped_column(Float)
    http_only: Mapped[bool] = mapped_column(Boolean)
    secure: Mapped[bool] = mapped_column(Boolean)
    same_site: Mapped[str | None] = mapped_column(String(16))
    third_party: Mapped[bool] = mapped_column(Boolean)
    set_by: Mapped[str] = mapped_column(String(16))
    refused: Mapped[str | None] = mapped_column(Text)
    # Held, or refused only by the browser's third-party cookie block though valid without it
    # (SameSite=None; Secure): what a default desktop browser keeps (crawler/items.py).
    set_before_consent: Mapped[bool] = mapped_column(Boolean)


class BrowserStorage(Base):
    """A key a rendered page left in its origin's localStorage or sessionStorage."""

    __tablename__ = "browser_storage"
    __table_args__ = (run_body_index("browser_storage"),)

    id: Mapped[intpk]
    run_id: Mapped[int] = run_fk(index=False)
    body_id: Mapped[str] = body_fk()
    rendered_page_id: Mapped[int] = rendered_page_fk()
    area: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(Text)


class RenderedTracker(TrackerColumns, EvidenceColumns, Base):
    """A catalogued tracker found in a rendered page's DOM or in what the browser requested."""

    __tablename__ = "rendered_trackers"
    __table_args__ = (run_body_index("rendered_trackers"),)

    id: Mapped[intpk]
    run_id: Mapped[int] = run_fk(index=False)
    body_id: Mapped[str] = body_fk()
    rendered_page_id: Mapped[int] = rendered_page_fk()
    analysis_id: Mapped[int] = analysis_fk()
    seen_in: Mapped[str] = mapped_column(String(16))


class RenderedSocialLink(SocialLinkColumns, EvidenceColumns, Base):
    """A link to a social platform in a rendered page's DOM (also those scripts inserted)."""

    __tablename__ = "rendered_social_links"
    __table_args__ = (run_body_index("rendered_social_links"),)

    id: Mapped[intpk]
    run_id: Mapped[int] = run_fk(index=False)
    body_id: Mapped[str] = body_fk()
    rendered_page_id: Mapped[int] = rendered_page_fk()
    analysis_id: Mapped[int] = analysis_fk()
