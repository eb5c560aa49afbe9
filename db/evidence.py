"""Where a finding comes from: its sightings with their pages and the pages' archive records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, func, literal, select
from sqlalchemy.orm import QueryableAttribute, Session

from db.analyses import AnalysisChoice
from db.models import Body, CrawlRun, PageFetch, SocialLinkSighting, TrackerSighting


class EvidenceNotFound(LookupError):
    """The body, run or finding asked about is not in the database."""


@dataclass(frozen=True, slots=True)
class Sighting:
    """One sighting of a finding on a page, with where the page lies in the run's archive."""

    what: str  # "tracker google-analytics" or "account facebook:stadtbeta"
    run_id: int
    analysis_id: int
    page_id: int
    page_url: str
    fetched_at: datetime
    element: str
    attribute: str | None
    evidence: str
    rule: str
    archive_dir: str | None
    warc_file: str | None
    warc_offset: int | None
    warc_record_id: str | None
    content_type: str | None


def evidence_run(session: Session, body_id: str, run_id: int | None) -> int:
    """The run to look in: ``run_id``, else the newest run that archived a page of the body,
    else the newest that fetched one."""
    if session.get(Body, body_id) is None:
        raise EvidenceNotFound(f"there is no body {body_id!r} in this database")
    if run_id is not None:
        if session.get(CrawlRun, run_id) is None:
            raise EvidenceNotFound(f"there is no run {run_id} in this database")
        return run_id
    pages = select(func.max(PageFetch.run_id)).where(PageFetch.body_id == body_id)
    newest = session.scalar(pages.where(PageFetch.warc_file.is_not(None))) or session.scalar(pages)
    if newest is None:
        raise EvidenceNotFound(f"no run fetched a page of body {body_id}")
    return int(newest)


def sightings(
    session: Session,
    body_id: str,
    run_id: int,
    *,
    tracker: str | None = None,
    account: tuple[str, str] | None = None,
    choice: AnalysisChoice | None = None,
) -> Sequence[Sighting]:
    """The body's sightings in ``run_id`` of a tracker, an account, or (neither) of every
    tracker and account, from the analysis ``choice`` reads (default: the newest)."""
    choice = choice or AnalysisChoice()
    found: list[Sighting] = []
    if account is None:
        hit = TrackerSighting
        query = _query(hit, hit.tracker_id, "tracker ").where(
            hit.body_id == body_id, hit.run_id == run_id, choice.of(hit)
        )
        if tracker is not None:
            query = query.where(hit.tracker_id == tracker)
        found += [Sighting(*row) for row in session.execute(query.order_by(hit.id))]
    if tracker is None:
        link = SocialLinkSighting
        key = link.platform + literal(":", String) + func.coalesce(link.handle, "")
        query = _query(link, key, "account ").where(
            link.body_id == body_id,
            link.run_id == run_id,
            link.link_kind == "profile",
            choice.of(link),
        )
        if account is not None:
            query = query.where(link.platform == account[0], link.handle == account[1])
        found += [Sighting(*row) for row in session.execute(query.order_by(link.id))]
    return found


def _query(
    model: type[TrackerSighting] | type[SocialLinkSighting],
    key: ColumnElement[str] | QueryableAttribute[str],
    kind: str,
) -> Select[*tuple[Any, ...]]:
    return (
        select(
            (literal(kind, String) + key).label("what"),
            model.run_id,
            model.analysis_id,
            PageFetch.id,
            func.coalesce(PageFetch.final_url, PageFetch.url),
            PageFetch.fetched_at,
            model.element,
            model.attribute,
            model.evidence,
            model.rule,
            CrawlRun.archive_dir,
            PageFetch.warc_file,
            PageFetch.warc_offset,
            PageFetch.warc_record_id,
            PageFetch.content_type,
        )
        .join(PageFetch, PageFetch.id == model.page_id)
        .join(CrawlRun, CrawlRun.id == model.run_id)
    )
