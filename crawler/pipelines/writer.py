"""Writing one run's results: pages with their findings, then each body's outcome.

Each page is committed with its findings and its render (what a browser did with it), and each
body's outcome with the run's counters (several whole items may share a transaction), so a crash
loses at most the batch in hand and a resumed run knows exactly what it already has.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from crawler.archive.records import ArchivedAt
from crawler.detection.findings import Evidence, PageFindings, SocialLink, TrackerHit
from crawler.detection.versions import catalogue_version, code_version
from crawler.items import BodyOutcome, PageItem, PageRender
from db.models import (
    CRAWL_ANALYSIS,
    URL_MAX_LENGTH,
    Analysis,
    Base,
    BodyVisit,
    BrowserCookie,
    BrowserStorage,
    CrawlRun,
    FilterListHitSighting,
    HttpRequest,
    PageFetch,
    RenderedPage,
    RenderedSocialLink,
    RenderedTracker,
    RunBody,
    RunWorker,
    Site,
    SocialLinkSighting,
    ThirdPartyHostSighting,
    TrackerSighting,
    utcnow,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Lease:
    """The lease a batch of a shared run holds on its bodies, and the process holding it."""

    token: str
    worker_id: int


@dataclass(slots=True)
class BodyTally:
    """Counts of a body's findings, added to the run's counters when the body is done."""

    accounts: int = 0
    trackers: int = 0
    errors: int = 0
    rendered: int = 0


def _table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


def _evidence(evidence: Evidence) -> dict[str, str | None]:
    return {
        "element": evidence.element,
        "attribute": evidence.attribute,
        "evidence": evidence.value,
        "rule": evidence.rule,
    }


def _page_row(run_id: int, item: PageItem) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "body_id": item.body_id,
        "url": item.url,
        "final_url": item.final_url,
        "depth": item.depth,
        "status": item.status,
        "content_type": item.content_type,
        "bytes": item.bytes,
        "content_hash": item.content_hash,
        "title": item.title,
        "error": item.error,
        **_archived(item.archived),
    }


def _archived(record: ArchivedAt | None) -> dict[str, Any]:
    """The columns that say where a page's (or a render's) record lies in the run's archive."""
    return {
        "warc_file": record.file if record else None,
        "warc_offset": record.offset if record else None,
        "warc_record_id": record.record_id if record else None,
    }


def _link_row(link: SocialLink) -> dict[str, Any]:
    return {
        "platform": link.platform,
        "link_kind": link.link_kind,
        "handle": link.handle,
        "account_type": link.account_type,
        "url": link.url,
        "canonical_url": link.canonical_url,
        "resolved": link.resolved,
        **_evidence(link.evidence),
    }


def _tracker_row(hit: TrackerHit) -> dict[str, Any]:
    return {
        "tracker_id": hit.id,
        "name": hit.name,
        "vendor": hit.vendor,
        "vendor_country": hit.vendor_country,
        "category": hit.category,
        "third_country": hit.third_country,
        "ids": list(hit.ids),
        "consent_gated": hit.consent_gated,
        **_evidence(hit.evidence),
    }


def findings_rows(
    findings: PageFindings, keys: dict[str, Any], rows: dict[type[Base], list[dict[str, Any]]]
) -> None:
    """Add one page's findings to ``rows``, by the table they go to."""
    rows[SocialLinkSighting].extend({**keys, **_link_row(link)} for link in findings.links)
    rows[TrackerSighting].extend({**keys, **_tracker_row(hit)} for hit in findings.trackers)
    rows[ThirdPartyHostSighting].extend(
        {**keys, "host": host.host, "domain": host.domain} for host in findings.third_party_hosts
    )
    rows[FilterListHitSighting].extend(
        {
            **keys,
            "list_name": hit.list_name,
            "list_version": hit.list_version,
            "resource_url": hit.resource_url,
            "rule": hit.rule,
        }
        for hit in findings.filter_hits
    )


def _rendered_page_row(keys: dict[str, Any], render: PageRender) -> dict[str, Any]:
    """The rendered_pages row of ``render``; a failed render counts nothing."""
    failed = render.error is not None
    requests = () if failed else render.requests
    held = () if failed else tuple(c for c in render.cookies if c.set_before_consent)
    return {
        **keys,
        "url": render.url,
        "final_url": render.final_url,
        "error": render.error,
        "duration_ms": render.duration_ms,
        "requests": len(requests),
        "third_party_requests": sum(request.third_party for request in requests),
        "cookies": len(held),
        "third_party_cookies": sum(cookie.third_party for cookie in held),
        **_archived(render.archived),
    }


def _render_rows(
    render: PageRender, keys: dict[str, Any], rows: dict[type[Base], list[dict[str, Any]]]
) -> None:
    """Add what the browser requested, held and showed for one page to ``rows``.

    Beacon URLs can outgrow the URL column, so a request's URL is cut to fit it.
    """
    rows[HttpRequest].extend(
        {
            **keys,
            "url": request.url[:URL_MAX_LENGTH],
            "host": request.host,
            "method": request.method,
            "resource_type": request.resource_type,
            "status": request.status,
            "third_party": request.third_party,
            "blocked": request.blocked,
        }
        for request in render.requests
    )
    rows[BrowserCookie].extend(
        {
            **keys,
            "name": cookie.name,
            "domain": cookie.domain,
            "path": cookie.path,
            "lifetime_days": cookie.lifetime_days,
            "http_only": cookie.http_only,
            "secure": cookie.secure,
            "same_site": cookie.same_site,
            "third_party": cookie.third_party,
            "set_by": cookie.set_by,
            "refused": cookie.refused,
            "set_before_consent": cookie.set_before_consent,
        }
        for cookie in render.cookies
    )
    rows[BrowserStorage].extend(
        {**keys, "area": storage.area, "key": storage.key} for storage in render.storage
    )

def rendered_findings_rows(
    findings: PageFindings, keys: dict[str, Any], rows: dict[type[Base], list[dict[str, Any]]]
) -> None:
    """Add the findings of a rendered page (its DOM and requests) to ``rows``."""
    rows[RenderedTracker].extend(
        {**keys, **_tracker_row(hit), "seen_in": hit.seen_in} for hit in findings.trackers
    )
    rows[RenderedSocialLink].extend({**keys, **_link_row(link)} for link in findings.links)


def crawl_analysis_id(session: Session, run_id: int) -> int:
    """The id of the run's crawl analysis, recorded now if the run has none yet."""
    found = session.scalar(
        select(Analysis.id).where(Analysis.run_id == run_id, Analysis.kind == CRAWL_ANALYSIS)
    )
    if found is not None:
        return found
    code = code_version()
    analysis = Analysis(
        run_id=run_id,
        kind=CRAWL_ANALYSIS,
        catalogue_version=catalogue_version(code),
        code_version=code,
    )
    session.add(analysis)
    session.flush()
    return analysis.id


class RunWriter:
    """Persists one run's pages, findings and body outcomes, a batch of items per transaction.

    Items are written in arrival order; a transaction holds whole items only, so a crash loses
    at most the batch in hand and never splits a page from its findings or an outcome from the
    run's counters. ``batch_size=1`` commits every item on its own.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        run_id: int,
        batch_size: int = 1,
        max_delay: float = 2.0,
        before_write: Callable[[], None] | None = None,
        lease: Lease | None = None,
    ) -> None:
        self.sessions = sessions
        self.run_id = run_id
        # Called before each batch is written: the archive holds, durably, every record the
        # batch's rows point at before they are written, let alone committed.
        self.before_write = before_write
        self.analysis_id: int | None = None
        self.lease = lease
        self.lost: set[str] = set()  # bodies whose lease another worker took over
        self.batch_size = max(batch_size, 1)
        self.max_delay = max_delay
        self.tallies: dict[str, BodyTally] = {}
        self.pending: list[PageItem | BodyOutcome] = []
        self.oldest = 0.0

    def add_page(self, item: PageItem) -> None:
        """Store a fetched page and everything found on it (in one transaction)."""
        self._queue(item)

    def add_outcome(self, outcome: BodyOutcome) -> None:
        """Store how a body's crawl ended and add its counts to the run (in one transaction)."""
        self._queue(outcome)

    def flush(self) -> None:
        """Commit every pending item in one transaction."""
        if not self.pending:
            return
        if self.before_write is not None:
            self.before_write()
        with self.sessions.begin() as session:
            held = self._held(session, {item.body_id for item in self.pending})
            pages = [i for i in self.pending if isinstance(i, PageItem) and i.body_id in held]
            outcomes = [
                i for i in self.pending if isinstance(i, BodyOutcome) and i.body_id in held
            ]
            # Tallies are counted first: an outcome in this batch needs its pages' counts.
            self._write_pages(session, pages)
            self._write_outcomes(session, outcomes)
        self.pending.clear()

    def _held(self, session: Session, body_ids: set[str]) -> set[str]:
        """The bodies this writer may still store, their leases locked until the commit.

        A shared run's batch stores a body only while its lease is the body's current one:
        a worker that took the body over (this one was presumed dead) has changed it, and
        its own crawl reads what was stored before. Locking the rows orders the two.
        """
        if self.lease is None:
            return body_ids
        held = set(
            session.scalars(
                select(RunBody.body_id)
                .where(
                    RunBody.run_id == self.run_id,
                    RunBody.body_id.in_(sorted(body_ids)),
                    RunBody.lease == self.lease.token,
                )
                .with_for_update()
            )
        )
        for body_id in sorted(body_ids - held - self.lost):
            logger.warning("body %s: taken over by another worker; not stored here", body_id)
        self.lost |= body_ids - held
        return held

    def close(self) -> None:
        """Commit what is still pending (the crawl has ended)."""
        self.flush()

    def _queue(self, item: PageItem | BodyOutcome) -> None:
        now = time.monotonic()
        if not self.pending:
            self.oldest = now
        self.pending.append(item)
        if len(self.pending) >= self.batch_size or now - self.oldest >= self.max_delay:
            self.flush()

    def _write_pages(self, session: Session, pages: list[PageItem]) -> None:
        """Insert the batch's pages and renders, then all they hold, one statement per table.

        Core executemany with RETURNING in parameter order gives each page's id without the ORM's
        flush per page, which was most of the cost of storing.
        """
        if not pages:
            return
        # Core statements on the session's connection: the ORM's bulk insert adds nothing here
        # but its bookkeeping, which was half of the storage cost (benchmarks/RESULTS.md).
        connection = session.connection()
        analysis_id = self._analysis_id(session)
        pages_table = _table(PageFetch)
        page_ids = connection.execute(
            insert(pages_table).returning(pages_table.c.id, sort_by_parameter_order=True),
            [_page_row(self.run_id, item) for item in pages],
        ).scalars().all()
        rows: dict[type[Base], list[dict[str, Any]]] = defaultdict(list)
        rendered: list[tuple[dict[str, Any], PageRender]] = []
        for item, page_id in zip(pages, page_ids, strict=True):
            tally = self.tallies.setdefault(item.body_id, BodyTally())
            tally.errors += bool(item.error)
            keys = {"run_id": self.run_id, "body_id": item.body_id, "page_id": page_id}
            if item.render is not None:
                rendered.append((keys, item.render))
            if item.findings is None:
                continue
            findings_rows(item.findings, {**keys, "analysis_id": analysis_id}, rows)
            tally.accounts += len(item.findings.accounts)
            tally.trackers += len(item.findings.trackers)
        self._write_renders(connection, rendered, rows)
        for model, model_rows in rows.items():
            if model_rows:
                connection.execute(insert(_table(model)), model_rows)

    def _write_renders(
        self,
        connection: Connection,
        rendered: list[tuple[dict[str, Any], PageRender]],
        rows: dict[type[Base], list[dict[str, Any]]],
    ) -> None:
        """Insert the rendered_pages rows and add what each successful render holds to ``rows``.

        A failed render is stored as its row with the error and nothing else.
        """
        if not rendered:
            return
        table = _table(RenderedPage)
        rendered_ids = connection.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [_rendered_page_row(keys, render) for keys, render in rendered],
        ).scalars().all()
        for (keys, render), rendered_id in zip(rendered, rendered_ids, strict=True):
            if render.error is not None:
                continue
            self.tallies[keys["body_id"]].rendered += 1
            observation_keys = {
                "run_id": keys["run_id"],
                "body_id": keys["body_id"],
                "rendered_page_id": rendered_id,
            }
            _render_rows(render, observation_keys, rows)
            if render.findings is not None:
                rendered_findings_rows(
                    render.findings, {**observation_keys, "analysis_id": self.analysis_id}, rows
                )

    def _analysis_id(self, session: Session) -> int:
        """The run's crawl analysis, which every finding the crawl stores belongs to."""
        if self.analysis_id is None:
            self.analysis_id = crawl_analysis_id(session, self.run_id)
        return self.analysis_id

    def _write_outcomes(self, session: Session, outcomes: list[BodyOutcome]) -> None:
        """Insert the batch's body visits and add their counts to the run in one update."""
        if not outcomes:
            return
        body_ids = sorted({outcome.body_id for outcome in outcomes})
        site_ids = {
            (body_id, url): site_id
            for body_id, url, site_id in session.execute(
                select(Site.body_id, Site.url, Site.id).where(Site.body_id.in_(body_ids))
            )
        }
        tallies = [self.tallies.pop(outcome.body_id, BodyTally()) for outcome in outcomes]
        session.execute(
            insert(BodyVisit),
            [
                {
                    "run_id": self.run_id,
                    "body_id": outcome.body_id,
                    "site_id": site_ids.get((outcome.body_id, outcome.seed_url)),
                    "seed_url": outcome.seed_url,
                    "final_url": outcome.final_url,
                    "moved_to": outcome.moved_to,
                    "reachable": outcome.reachable,
                    "outcome": outcome.outcome,
                    "reason": outcome.reason,
                    "pages_fetched": outcome.pages_fetched,
                    "started_at": outcome.started_at,
                }
                for outcome in outcomes
            ],
        )
        session.execute(
            update(CrawlRun)
            .where(CrawlRun.id == self.run_id)
            .values(
                bodies_done=CrawlRun.bodies_done + len(outcomes),
                bodies_reachable=CrawlRun.bodies_reachable
                + sum(outcome.reachable for outcome in outcomes),
                pages_fetched=CrawlRun.pages_fetched
                + sum(outcome.pages_fetched for outcome in outcomes),
                accounts_found=CrawlRun.accounts_found + sum(t.accounts for t in tallies),
                trackers_found=CrawlRun.trackers_found + sum(t.trackers for t in tallies),
                errors=CrawlRun.errors + sum(t.errors for t in tallies),
                pages_rendered=CrawlRun.pages_rendered + sum(t.rendered for t in tallies),
                heartbeat_at=utcnow(),
            )
        )
        if self.lease is not None:
            session.execute(
                update(RunWorker)
                .where(RunWorker.id == self.lease.worker_id)
                .values(
                    bodies_settled=RunWorker.bodies_settled + len(outcomes),
                    heartbeat_at=utcnow(),
                )
            )
