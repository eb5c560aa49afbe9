"""What an interrupted run already holds, so resuming it fetches nothing twice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.seeds import Seed
from db.models import BodyVisit, PageFetch


@dataclass(frozen=True, slots=True)
class StoredBody:
    """The pages stored for a body that was under way when its run stopped."""

    urls: frozenset[str]
    pages_ok: int
    homepage_error: str | None


@dataclass(frozen=True, slots=True)
class RunProgress:
    """Bodies of a run that are done, and those with some pages stored but no outcome yet."""

    done: frozenset[str]
    partial: dict[str, StoredBody]

    def remaining(self, seeds: tuple[Seed, ...]) -> tuple[Seed, ...]:
        """The seeds still to crawl, in seed-file order."""
        return tuple(seed for seed in seeds if seed.id not in self.done)


def load_progress(session: Session, run_id: int, seeds: tuple[Seed, ...]) -> RunProgress:
    """Read a run's body outcomes and the stored pages of bodies without one."""
    done = frozenset(session.scalars(select(BodyVisit.body_id).where(BodyVisit.run_id == run_id)))
    pages = session.execute(
        select(PageFetch.body_id, PageFetch.url, PageFetch.error).where(
            PageFetch.run_id == run_id,
            PageFetch.body_id.not_in(select(BodyVisit.body_id).where(BodyVisit.run_id == run_id)),
        )
    )
    by_body: dict[str, dict[str, str | None]] = defaultdict(dict)
    for body_id, url, error in pages:
        by_body[body_id][url] = error
    homepages = {seed.id: seed.url for seed in seeds}
    partial = {
        body_id: StoredBody(
            urls=frozenset(stored),
            pages_ok=sum(error is None for error in stored.values()),
            homepage_error=stored.get(homepages.get(body_id, "")),
        )
        for body_id, stored in by_body.items()
    }
    return RunProgress(done, partial)
