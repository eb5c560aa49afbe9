"""Read-side queries shared by commands: listing runs and resolving ``ID|latest``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from db.models import FINISHED, BodyVisit, CrawlRun, RunBody, RunWorker, utcnow


class RunNotFound(LookupError):
    """The run a user named does not exist (or no finished run exists for ``latest``)."""


def list_runs(session: Session) -> Sequence[CrawlRun]:
    """All runs, newest first."""
    return session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).all()


def crawled_seconds(run: CrawlRun, now: datetime | None = None) -> float:
    """Seconds the run spent crawling: its ended starts, plus the one under way if unfinished.

    The idle time between a stop and a resume is not counted.
    """
    if run.finished_at is not None:
        return run.crawl_seconds
    began = run.resumed_at or run.started_at
    return run.crawl_seconds + max(0.0, ((now or utcnow()) - began).total_seconds())


def resolve_run(session: Session, selector: str) -> CrawlRun:
    """The run named by a numeric id, or ``latest`` for the newest finished run."""
    if selector == "latest":
        run = session.scalars(
            select(CrawlRun).where(CrawlRun.status == FINISHED).order_by(CrawlRun.id.desc())
        ).first()
        if run is None:
            raise RunNotFound("no finished run in this database yet")
        return run
    if not selector.isdigit():
        raise RunNotFound(f"run must be a number or 'latest', not {selector!r}")
    run = session.get(CrawlRun, int(selector))
    if run is None:
        raise RunNotFound(f"no run with id {selector}")
    return run


def run_workers(session: Session, run_id: int) -> Sequence[RunWorker]:
    """The processes that worked on a run, in the order they joined."""
    return session.scalars(
        select(RunWorker).where(RunWorker.run_id == run_id).order_by(RunWorker.id)
    ).all()


def bodies_left(session: Session, run_id: int) -> int:
    """The run's bodies without an outcome yet."""
    settled = exists().where(BodyVisit.run_id == run_id, BodyVisit.body_id == RunBody.body_id)
    query = select(func.count()).select_from(RunBody).where(RunBody.run_id == run_id, ~settled)
    return session.scalar(query) or 0
