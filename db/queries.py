"""Read-side queries shared by commands: listing runs and resolving ``ID|latest``."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import FINISHED, CrawlRun


class RunNotFound(LookupError):
    """The run a user named does not exist (or no finished run exists for ``latest``)."""


def list_runs(session: Session) -> Sequence[CrawlRun]:
    """All runs, newest first."""
    return session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).all()


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
