"""What an interrupted run already holds, so resuming it fetches nothing twice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.spiders.inputs import StoredBody
from db.models import BodyVisit, PageFetch, RunBody


def load_partial_bodies(
    session: Session, run_id: int, only: Collection[str] | None = None
) -> dict[str, StoredBody]:
    """The stored pages of the run's bodies that have pages but no outcome yet (of ``only``).

    Bodies with an outcome are skipped by the crawl's source of homepages
    (``crawler.run.bodies.remaining_homepages``), so none of their ids is held here.
    """
    query = select(PageFetch.body_id, PageFetch.url, PageFetch.error).where(
        PageFetch.run_id == run_id,
        PageFetch.body_id.not_in(select(BodyVisit.body_id).where(BodyVisit.run_id == run_id)),
    )
    if only is not None:
        query = query.where(PageFetch.body_id.in_(sorted(only)))
    pages = session.execute(query)
    by_body: dict[str, dict[str, str | None]] = defaultdict(dict)
    for body_id, url, error in pages:
        by_body[body_id][url] = error
    # Only bodies under way when the run stopped: a few dozen, not the whole list.
    rows = session.execute(
        select(RunBody.body_id, RunBody.url).where(
            RunBody.run_id == run_id, RunBody.body_id.in_(by_body)
        )
    )
    homepages = {body_id: url for body_id, url in rows}
    return {
        body_id: StoredBody(
            urls=frozenset(stored),
            pages_ok=sum(error is None for error in stored.values()),
            homepage_error=stored.get(homepages.get(body_id, "")),
        )
        for body_id, stored in by_body.items()
    }
