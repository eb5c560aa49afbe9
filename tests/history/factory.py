"""Builds runs, bodies, visits, pages and sightings through the models, for history tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from db.models import (
    CRAWL_ANALYSIS,
    Analysis,
    Body,
    BodyVisit,
    CrawlRun,
    PageFetch,
    RunBody,
    SocialLinkSighting,
    TrackerSighting,
)


@dataclass
class DatasetFactory:
    """Adds rows with sensible defaults; every method returns the row it added."""

    session: Session
    _pages: dict[tuple[int, str], PageFetch] = field(default_factory=dict)
    _analyses: dict[int, int] = field(default_factory=dict)  # run id -> its crawl analysis

    def body(self, body_id: str, name: str, kind: str = "gemeinde", state: str = "Bayern") -> Body:
        """A public body from the seed list."""
        body = Body(id=body_id, name=name, kind=kind, state=state, country="DE", attributes={})
        self.session.add(body)
        self.session.flush()
        return body

    def run(self, started: str, status: str = "finished") -> CrawlRun:
        """A crawl run that started on ``started`` (ISO date)."""
        started_at = datetime.fromisoformat(started).replace(tzinfo=UTC)
        run = CrawlRun(
            started_at=started_at,
            finished_at=started_at if status == "finished" else None,
            status=status,
            settings={},
            code_version="test",
        )
        self.session.add(run)
        self.session.flush()
        analysis = Analysis(
            run_id=run.id, kind=CRAWL_ANALYSIS, catalogue_version="test", code_version="test"
        )
        self.session.add(analysis)
        self.session.flush()
        self._analyses[run.id] = analysis.id
        return run

    def run_bodies(self, run: CrawlRun, bodies: tuple[Body, ...]) -> None:
        """The bodies the run's seed list gave it, with their seed URLs."""
        self.session.add_all(
            RunBody(run_id=run.id, position=position, body_id=body.id, url=_url(body))
            for position, body in enumerate(bodies)
        )
        self.session.flush()

    def visit(self, run: CrawlRun, body: Body, *, reachable: bool = True) -> BodyVisit:
        """The outcome of crawling ``body`` in ``run``; reachable ones get a homepage row."""
        url = _url(body)
        visit = BodyVisit(
            run_id=run.id,
            body_id=body.id,
            seed_url=url,
            final_url=url if reachable else None,
            reachable=reachable,
            outcome="ok" if reachable else "dns_error",
            reason=None if reachable else "DNS lookup failed",
            pages_fetched=1 if reachable else 0,
        )
        self.session.add(visit)
        if reachable:
            self.page(run, body, url)
        else:
            self.session.flush()
        return visit

    def page(self, run: CrawlRun, body: Body, url: str, title: str = "Startseite") -> PageFetch:
        """A fetched page; findings attach to the homepage unless given another page."""
        page = PageFetch(
            run_id=run.id,
            body_id=body.id,
            url=url,
            final_url=url,
            status=200,
            content_type="text/html",
            bytes=1234,
            title=title,
        )
        self.session.add(page)
        self.session.flush()
        self._pages.setdefault((run.id, body.id), page)
        return page

    def account(
        self,
        run: CrawlRun,
        body: Body,
        platform: str,
        handle: str,
        *,
        link_kind: str = "profile",
        page: PageFetch | None = None,
    ) -> SocialLinkSighting:
        """A social link seen on the body's homepage (a profile link by default)."""
        url = f"https://{platform}.example/{handle}"
        sighting = SocialLinkSighting(
            run_id=run.id,
            body_id=body.id,
            page_id=(page or self._pages[(run.id, body.id)]).id,
            analysis_id=self._analyses[run.id],
            platform=platform,
            link_kind=link_kind,
            handle=handle if link_kind == "profile" else None,
            account_type="page" if link_kind == "profile" else None,
            url=url,
            canonical_url=url if link_kind == "profile" else None,
            element="a",
            attribute="href",
            evidence=url,
            rule=f"{platform}.{link_kind}",
        )
        self.session.add(sighting)
        self.session.flush()
        return sighting

    def tracker(
        self, run: CrawlRun, body: Body, tracker_id: str, ids: tuple[str, ...] = ()
    ) -> TrackerSighting:
        """A catalogued tracker seen on the body's homepage."""
        sighting = TrackerSighting(
            run_id=run.id,
            body_id=body.id,
            page_id=self._pages[(run.id, body.id)].id,
            analysis_id=self._analyses[run.id],
            tracker_id=tracker_id,
            name=tracker_id.replace("-", " ").title(),
            vendor="Vendor of " + tracker_id,
            vendor_country="US",
            category="analytics",
            third_country=True,
            ids=list(ids),
            consent_gated=False,
            element="script",
            attribute="src",
            evidence=f"https://{tracker_id}.example/t.js",
            rule=f"{tracker_id}.script",
        )
        self.session.add(sighting)
        self.session.flush()
        return sighting


def _url(body: Body) -> str:
    return f"https://www.{body.id}.example/"
