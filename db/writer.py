"""Writing one run's results: pages with their findings, then each body's outcome.

Each page is committed with its findings, and each body's outcome with the run's counters (several
whole items may share a transaction), so a crash loses at most the batch in hand and a resumed
run knows exactly what it already has.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from crawler.detection.findings import Evidence, PageFindings
from crawler.items import BodyOutcome, PageItem
from db.models import (
    BodyVisit,
    CrawlRun,
    FilterListHitSighting,
    PageFetch,
    Site,
    SocialLinkSighting,
    ThirdPartyHostSighting,
    TrackerSighting,
    utcnow,
)


@dataclass(slots=True)
class BodyTally:
    """Counts of a body's findings, added to the run's counters when the body is done."""

    accounts: int = 0
    trackers: int = 0
    errors: int = 0


def _evidence(evidence: Evidence) -> dict[str, str | None]:
    return {
        "element": evidence.element,
        "attribute": evidence.attribute,
        "evidence": evidence.value,
        "rule": evidence.rule,
    }


def _findings_rows(findings: PageFindings, run_id: int, body_id: str, page_id: int) -> list[object]:
    keys = {"run_id": run_id, "body_id": body_id, "page_id": page_id}
    rows: list[object] = [
        SocialLinkSighting(
            **keys,
            platform=link.platform,
            link_kind=link.link_kind,
            handle=link.handle,
            account_type=link.account_type,
            url=link.url,
            canonical_url=link.canonical_url,
            resolved=link.resolved,
            **_evidence(link.evidence),
        )
        for link in findings.links
    ]
    rows.extend(
        TrackerSighting(
            **keys,
            tracker_id=hit.id,
            name=hit.name,
            vendor=hit.vendor,
            vendor_country=hit.vendor_country,
            category=hit.category,
            third_country=hit.third_country,
            ids=list(hit.ids),
            consent_gated=hit.consent_gated,
            **_evidence(hit.evidence),
        )
        for hit in findings.trackers
    )
    rows.extend(
        ThirdPartyHostSighting(**keys, host=host.host, domain=host.domain)
        for host in findings.third_party_hosts
    )
    rows.extend(
        FilterListHitSighting(
            **keys,
            list_name=hit.list_name,
            list_version=hit.list_version,
            resource_url=hit.resource_url,
            rule=hit.rule,
        )
        for hit in findings.filter_hits
    )
    return rows


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
    ) -> None:
        self.sessions = sessions
        self.run_id = run_id
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
        with self.sessions.begin() as session:
            for item in self.pending:
                if isinstance(item, PageItem):
                    self._write_page(session, item)
                else:
                    self._write_outcome(session, item)
        self.pending.clear()

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

    def _write_page(self, session: Session, item: PageItem) -> None:
        tally = self.tallies.setdefault(item.body_id, BodyTally())
        if item.error:
            tally.errors += 1
        page = PageFetch(
            run_id=self.run_id,
            body_id=item.body_id,
            url=item.url,
            final_url=item.final_url,
            depth=item.depth,
            status=item.status,
            content_type=item.content_type,
            bytes=item.bytes,
            content_hash=item.content_hash,
            title=item.title,
            error=item.error,
        )
        session.add(page)
        if item.findings is not None:
            session.flush()
            session.add_all(_findings_rows(item.findings, self.run_id, item.body_id, page.id))
            tally.accounts += len(item.findings.accounts)
            tally.trackers += len(item.findings.trackers)

    def _write_outcome(self, session: Session, outcome: BodyOutcome) -> None:
        tally = self.tallies.pop(outcome.body_id, BodyTally())
        site_id = (
            session.query(Site.id).filter_by(body_id=outcome.body_id, url=outcome.seed_url).scalar()
        )
        session.add(
            BodyVisit(
                run_id=self.run_id,
                body_id=outcome.body_id,
                site_id=site_id,
                seed_url=outcome.seed_url,
                final_url=outcome.final_url,
                moved_to=outcome.moved_to,
                reachable=outcome.reachable,
                outcome=outcome.outcome,
                reason=outcome.reason,
                pages_fetched=outcome.pages_fetched,
                started_at=outcome.started_at,
            )
        )
        session.execute(
            update(CrawlRun)
            .where(CrawlRun.id == self.run_id)
            .values(
                bodies_done=CrawlRun.bodies_done + 1,
                bodies_reachable=CrawlRun.bodies_reachable + int(outcome.reachable),
                pages_fetched=CrawlRun.pages_fetched + outcome.pages_fetched,
                accounts_found=CrawlRun.accounts_found + tally.accounts,
                trackers_found=CrawlRun.trackers_found + tally.trackers,
                errors=CrawlRun.errors + tally.errors,
                heartbeat_at=utcnow(),
            )
        )
