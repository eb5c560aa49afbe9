"""The bodies a run is to crawl, stored when it starts and read back lazily while it crawls.

The seed list is validated and parsed whole once, at run start; after that the crawl reads
``(body id, homepage)`` pairs from ``run_bodies`` a page of rows at a time, so a national list
costs the crawl no more memory than a short one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import ColumnElement, exists, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from crawler.seeds.seedfile import Seed
from crawler.spiders.inputs import Homepage
from db.models import BodyVisit, RunBody, RunBodyWithoutSite

# Rows per query: large enough that the queries cost nothing next to the crawl, small enough
# that a page of them is a few hundred KB at most.
PAGE_SIZE = 500


def record_run_bodies(session: Session, run_id: int, seeds: Iterable[Seed]) -> None:
    """Store the run's bodies with their seed URLs, keeping the seed file's order."""
    page: list[dict[str, object]] = []
    for position, seed in enumerate(seeds):
        page.append({"run_id": run_id, "position": position, "body_id": seed.id, "url": seed.url})
        if len(page) == PAGE_SIZE:
            session.execute(insert(RunBody), page)
            page = []
    if page:
        session.execute(insert(RunBody), page)


def record_bodies_without_site(session: Session, run_id: int, seeds: Iterable[Seed]) -> None:
    """Store the bodies of the run's seed list that were passed over for want of a URL."""
    rows = [{"run_id": run_id, "body_id": seed.id} for seed in seeds]
    for start in range(0, len(rows), PAGE_SIZE):
        session.execute(insert(RunBodyWithoutSite), rows[start : start + PAGE_SIZE])


def has_run_bodies(session: Session, run_id: int) -> bool:
    """Whether the run's bodies are stored (runs started before they were are not)."""
    return bool(session.scalar(select(exists().where(RunBody.run_id == run_id))))


def not_done(run_id: int) -> ColumnElement[bool]:
    """The row's body has no outcome in the run yet."""
    return ~exists().where(BodyVisit.run_id == run_id, BodyVisit.body_id == RunBody.body_id)


def count_remaining(session: Session, run_id: int) -> int:
    """How many of the run's bodies have no outcome yet."""
    query = select(func.count()).select_from(RunBody)
    return session.scalar(query.where(RunBody.run_id == run_id, not_done(run_id))) or 0


def remaining_homepages(
    sessions: sessionmaker[Session], run_id: int, page_size: int = PAGE_SIZE
) -> Iterator[Homepage]:
    """The run's bodies without an outcome, in seed-file order, read a page of rows at a time.

    Keyset pagination (by position, not OFFSET) keeps each query as cheap as the first, and each
    page is read in its own short transaction, so no read stays open while the crawl writes.
    """
    after = -1
    while True:
        with sessions() as session:
            rows = session.execute(
                select(RunBody.position, RunBody.body_id, RunBody.url)
                .where(RunBody.run_id == run_id, RunBody.position > after, not_done(run_id))
                .order_by(RunBody.position)
                .limit(page_size)
            ).all()
        yield from (Homepage(body_id, url) for _, body_id, url in rows)
        if len(rows) < page_size:
            return
        after = rows[-1].position
