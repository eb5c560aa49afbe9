"""A run's lifecycle in the database: bodies registered, one writer at a time, a final status."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, inspect, select, tuple_, update
from sqlalchemy.orm import Session

from crawler.archive.warc import run_folder
from crawler.detection.versions import catalogue_version, code_version
from crawler.run.bodies import has_run_bodies, record_bodies_without_site, record_run_bodies
from crawler.seeds.seedfile import Seed, SeedList
from db.models import (
    CRAWL_ANALYSIS,
    FINISHED,
    INTERRUPTED,
    RUNNING,
    Analysis,
    Body,
    BodyVisit,
    CrawlRun,
    PageFetch,
    RunWorker,
    Site,
    SocialLinkSighting,
    TrackerSighting,
    utcnow,
)
from db.session import make_engine

SEED_COLUMNS_SETTING = "GOVSOCIAL_SEED_COLUMNS"
SKIP_MISSING_URLS_SETTING = "GOVSOCIAL_SKIP_MISSING_URLS"
# A run on another machine whose heartbeat is older than this is presumed dead.
STALE_AFTER = timedelta(minutes=30)
CHUNK = 500
# Names govsocial's run lock among PostgreSQL advisory locks ("gov" in ASCII).
RUN_LOCK_KEY = 0x676F76
RESUMES_KEY = "GOVSOCIAL_RESUMED_AT"


class CrawlAlreadyRunning(RuntimeError):
    """Another live crawl is writing to this database."""


class ResumeRefused(RuntimeError):
    """A run that cannot be resumed: unknown, finished, or its seed file changed."""


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def register_seeds(session: Session, seeds: Iterable[Seed]) -> None:
    """Upsert bodies by id and add sites not seen before; nothing is deleted."""
    by_id = {seed.id: seed for seed in seeds}
    existing: dict[str, Body] = {}
    for ids in _chunks(list(by_id)):
        existing.update(
            (body.id, body) for body in session.scalars(select(Body).where(Body.id.in_(ids)))
        )
    for seed in by_id.values():
        body = existing.get(seed.id) or Body(id=seed.id)
        body.name = seed.name
        body.kind, body.state, body.country = seed.kind, seed.state, seed.country
        body.parent_id, body.population, body.wikidata = (
            seed.parent_id,
            seed.population,
            seed.wikidata,
        )
        body.attributes = dict(seed.attributes)
        if seed.id not in existing:
            session.add(body)
    session.flush()
    pairs = [(seed.id, seed.url) for seed in by_id.values() if seed.url]
    known: set[tuple[str, str]] = set()
    for chunk in _chunks(pairs):
        rows = session.execute(
            select(Site.body_id, Site.url).where(tuple_(Site.body_id, Site.url).in_(chunk))
        )
        known.update((body_id, url) for body_id, url in rows)
    session.add_all(
        Site(body_id=body_id, url=url) for body_id, url in pairs if (body_id, url) not in known
    )


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _alive(hostname: str | None, pid: int | None, heartbeat: datetime) -> bool:
    """A process on this machine is alive if its pid is; elsewhere, if its heartbeat is fresh."""
    if hostname == socket.gethostname() and pid is not None:
        return _process_alive(pid)
    return utcnow() - heartbeat <= STALE_AFTER


def worker_alive(worker: RunWorker) -> bool:
    """Whether a worker process of a shared run is still at work."""
    return worker.stopped_at is None and _alive(worker.hostname, worker.pid, worker.heartbeat_at)


def _is_stale(session: Session, run: CrawlRun) -> bool:
    """Neither the process that started the run nor any worker that joined it is alive."""
    if _alive(run.hostname, run.pid, run.heartbeat_at or run.started_at):
        return False
    workers = session.execute(
        select(RunWorker.hostname, RunWorker.pid, RunWorker.heartbeat_at).where(
            RunWorker.run_id == run.id, RunWorker.stopped_at.is_(None)
        )
    )
    return not any(_alive(*worker) for worker in workers)


def lock_runs(session: Session) -> None:
    """Hold the database's run lock until the transaction ends, so run starts never race.

    Two crawls started at once would both see no running run and both start; taking this
    lock first makes the second wait for the first's commit and then see its run.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(RUN_LOCK_KEY)))
    elif dialect == "sqlite":
        # A write, even of no rows, takes SQLite's single write lock for the transaction.
        session.execute(update(CrawlRun).where(false()).values(status=CrawlRun.status))


def mark_stale_runs(session: Session) -> list[int]:
    """Mark runs whose process died as interrupted; raise if a live one is running."""
    stale = []
    for run in session.scalars(select(CrawlRun).where(CrawlRun.status == RUNNING)):
        if not _is_stale(session, run):
            raise CrawlAlreadyRunning(
                f"run {run.id} is still running (pid {run.pid} on {run.hostname}, "
                f"started {run.started_at:%Y-%m-%d %H:%M}); wait for it or stop it first"
            )
        message = "the crawl process died; detected when the next crawl started"
        _close(run, INTERRUPTED, message, run.heartbeat_at or run.started_at)
        stale.append(run.id)
    return stale


def start_run(
    session: Session,
    seed_list: SeedList,
    settings: dict[str, Any],
    render_mode: str = "none",
    archive_root: Path | None = None,
) -> CrawlRun:
    """Register the seeds and open a new run, refusing while another crawl is live.

    With ``archive_root``, the run's WARC files go to its own folder below it.
    """
    lock_runs(session)
    mark_stale_runs(session)
    register_seeds(session, (*seed_list.seeds, *seed_list.without_url))
    run = CrawlRun(
        status=RUNNING,
        settings=settings,
        render_mode=render_mode,
        code_version=code_version(),
        seed_file=seed_list.path,
        seed_sha256=seed_list.sha256,
        bodies_total=len(seed_list.seeds),
        pid=os.getpid(),
        hostname=socket.gethostname(),
        heartbeat_at=utcnow(),
    )
    session.add(run)
    session.flush()
    if archive_root is not None:
        run.archive_dir = str(run_folder(archive_root, run.id))
    # The rules the crawl's findings come from, recorded before it finds anything.
    session.add(
        Analysis(
            run_id=run.id,
            kind=CRAWL_ANALYSIS,
            catalogue_version=catalogue_version(run.code_version),
            code_version=run.code_version,
        )
    )
    record_run_bodies(session, run.id, seed_list.seeds)
    record_bodies_without_site(session, run.id, seed_list.without_url)
    return run


def resume_run(
    session: Session, run_id: int, seed_list: SeedList, archive_root: Path | None = None
) -> CrawlRun:
    """Reopen an interrupted or failed run of the same seed file, refusing while one is live.

    A run that kept an archive goes on archiving into its folder; one that kept none starts
    one below ``archive_root`` if given (its earlier pages stay unarchived).
    """
    lock_runs(session)
    mark_stale_runs(session)
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise ResumeRefused(f"there is no run {run_id} in this database")
    if run.status == FINISHED:
        raise ResumeRefused(f"run {run_id} finished; there is nothing to resume")
    if run.seed_sha256 != seed_list.sha256:
        raise ResumeRefused(
            f"the seed file {seed_list.path} is not the one run {run_id} started with "
            f"({run.seed_file}, sha256 {run.seed_sha256})"
        )
    if not has_run_bodies(session, run.id):  # started before runs stored their bodies
        record_run_bodies(session, run.id, seed_list.seeds)
    run.status, run.message, run.finished_at = RUNNING, None, None
    if run.archive_dir is None and archive_root is not None:
        run.archive_dir = str(run_folder(archive_root, run.id))
    run.resumed_at = utcnow()
    run.pid, run.hostname, run.heartbeat_at = os.getpid(), socket.gethostname(), run.resumed_at
    resumed = [*run.settings.get(RESUMES_KEY, []), utcnow().isoformat(timespec="seconds")]
    run.settings = {**run.settings, RESUMES_KEY: resumed}
    return run


@dataclass(frozen=True, slots=True)
class SeedSource:
    """How a run read its seeds: the file, and the column mapping it was read with."""

    path: str
    columns: dict[str, str]
    skip_without_url: bool


def run_seed_source(db_url: str, run_id: int) -> SeedSource:
    """The seed file a run was started with, and how it was read, as recorded on its row."""
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            run = session.get(CrawlRun, run_id) if inspect(engine).has_table("crawl_runs") else None
    finally:
        engine.dispose()
    if run is None:
        raise ResumeRefused(f"there is no run {run_id} in this database")
    if not run.seed_file:
        raise ResumeRefused(f"run {run_id} has no seed file on record; give it with --seeds")
    settings = run.settings or {}
    return SeedSource(
        run.seed_file,
        dict(settings.get(SEED_COLUMNS_SETTING) or {}),
        bool(settings.get(SKIP_MISSING_URLS_SETTING)),
    )


def recount_run(session: Session, run_id: int) -> None:
    """Recompute a run's counters from its rows (a resumed run was counted by two processes)."""
    done = select(BodyVisit.body_id).where(BodyVisit.run_id == run_id)
    visits = session.execute(
        select(
            func.count(),
            func.count().filter(BodyVisit.reachable),
            func.coalesce(func.sum(BodyVisit.pages_fetched), 0),
        ).where(BodyVisit.run_id == run_id)
    ).one()
    run = session.get_one(CrawlRun, run_id)
    run.bodies_done, run.bodies_reachable, run.pages_fetched = visits
    run.accounts_found = _count_of_done(
        session, SocialLinkSighting, run_id, done, SocialLinkSighting.link_kind == "profile"
    )
    run.trackers_found = _count_of_done(session, TrackerSighting, run_id, done)
    run.errors = _count_of_done(session, PageFetch, run_id, done, PageFetch.error.is_not(None))


def _count_of_done(
    session: Session,
    model: type[SocialLinkSighting | TrackerSighting | PageFetch],
    run_id: int,
    done: Select[str],
    *criteria: ColumnElement[bool],
) -> int:
    """Rows of ``model`` in the run that belong to bodies with an outcome."""
    query = select(func.count()).select_from(model)
    query = query.where(model.run_id == run_id, model.body_id.in_(done), *criteria)
    return session.scalar(query) or 0


def _close(run: CrawlRun, status: str, message: str | None, end: datetime) -> None:
    """End the run's current start at ``end``, adding the time it crawled to the run's."""
    began = run.resumed_at or run.started_at
    run.status, run.message, run.finished_at = status, message, end
    run.crawl_seconds = (run.crawl_seconds or 0.0) + max(0.0, (end - began).total_seconds())


def finish_run(session: Session, run_id: int, status: str, message: str | None = None) -> CrawlRun:
    """Close a run with its final status, and its crawl analysis with it."""
    run = session.get_one(CrawlRun, run_id)
    _close(run, status, message, utcnow())
    analysed = select(func.count()).where(PageFetch.run_id == run_id, PageFetch.error.is_(None))
    session.execute(
        update(Analysis)
        .where(Analysis.run_id == run_id, Analysis.kind == CRAWL_ANALYSIS)
        .values(finished_at=run.finished_at, pages_analysed=analysed.scalar_subquery())
    )
    return run
