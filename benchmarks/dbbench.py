"""Database benchmarks: the run writer's insert rate, and a national-size run for exports.

Pages and findings come from the synthetic web itself (each variant page detected once), so the
rows have the shape and findings mix of a real crawl; they go through ``RunWriter``, the code
the crawl's storage pipeline uses.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from benchmarks.synthweb import WebShape, page_paths, render_site
from crawler.detection.detect import detect
from crawler.detection.findings import PageFindings
from crawler.items import BodyOutcome, PageItem
from crawler.pipelines.storage import DEFAULT_DB_BATCH
from crawler.pipelines.writer import RunWriter
from crawler.run.lifecycle import finish_run, start_run
from crawler.seeds.seedfile import read_seeds
from db.migrate import ensure_current
from db.models import FINISHED, PageFetch, utcnow
from db.session import make_engine, make_sessionmaker


@dataclass(frozen=True, slots=True)
class InsertRate:
    """How fast one run's results went into a database."""

    database: str
    batch: int
    bodies: int
    pages: int
    findings: int
    seconds: float

    @property
    def pages_per_s(self) -> float:
        """Pages (each with its findings) committed per second."""
        return self.pages / self.seconds


def _findings(shape: WebShape, pages_per_body: int) -> dict[tuple[int, str], PageFindings]:
    """Findings of every page a body serves, detected once per variant."""
    paths = page_paths()[:pages_per_body]
    found = {}
    for variant in range(min(shape.variants, shape.bodies)):
        site = render_site(shape, variant)
        for path in paths:
            url = f"http://variant-{variant}.de{path}"
            found[variant, path] = detect(site[path].decode("utf-8"), url)
    return found


def _items(
    shape: WebShape, pages_per_body: int, found: dict[tuple[int, str], PageFindings]
) -> Iterator[PageItem | BodyOutcome]:
    """The items a crawl of ``shape`` would hand the storage pipeline, body after body."""
    paths = page_paths()[:pages_per_body]
    for index in range(shape.bodies):
        home = f"http://{shape.host(index)}/"
        variant = shape.variant_of(index)
        started = utcnow()
        for depth, path in enumerate(paths):
            url = f"http://{shape.host(index)}{path}"
            yield PageItem(
                body_id=f"B{index:05d}",
                url=url,
                depth=min(depth, 1),
                final_url=url,
                status=200,
                content_type="text/html",
                bytes=shape.page_kb * 1024,
                content_hash=hashlib.sha256(url.encode()).hexdigest(),
                title=f"{path} - Gemeinde {index}",
                findings=found[variant, path],
            )
        yield BodyOutcome(
            body_id=f"B{index:05d}",
            seed_url=home,
            reachable=True,
            outcome="ok",
            reason=None,
            final_url=home,
            moved_to=None,
            pages_fetched=len(paths),
            started_at=started,
        )


def write_run(
    db_url: str, shape: WebShape, pages_per_body: int, folder: Path, batch: int = DEFAULT_DB_BATCH
) -> InsertRate:
    """Register the seeds, open a run, write every body through ``RunWriter``, close the run."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = read_seeds(shape.write_seeds(80, folder / "dbbench-seeds.csv"))
    # The seed file says port 80, where the items' URLs have none: the outcome's site lookup
    # then misses and stores no site id, which costs the same query.
    found = _findings(shape, pages_per_body)
    engine = make_engine(db_url)
    ensure_current(engine, db_url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        run_id = start_run(session, seeds, {"benchmark": "dbbench"}).id
    writer = RunWriter(sessions, run_id, batch_size=batch)
    findings = 0
    started = time.perf_counter()
    for item in _items(shape, pages_per_body, found):
        if isinstance(item, PageItem):
            writer.add_page(item)
            assert item.findings is not None
            findings += len(item.findings.links) + len(item.findings.trackers)
            findings += len(item.findings.third_party_hosts)
        else:
            writer.add_outcome(item)
    writer.close()
    seconds = time.perf_counter() - started
    with sessions.begin() as session:
        finish_run(session, run_id, FINISHED)
        pages = session.scalar(select(func.count()).where(PageFetch.run_id == run_id))
    engine.dispose()
    backend = make_url(db_url).get_backend_name()
    return InsertRate(backend, batch, shape.bodies, pages or 0, findings, seconds)


def database_bytes(db_url: str) -> int:
    """The database's size on disk: SQLite's pages (WAL checkpointed), PostgreSQL's files."""
    engine = make_engine(db_url)
    try:
        return _size(engine)
    finally:
        engine.dispose()


def _size(engine: Engine) -> int:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
            return int(pages) * int(connection.exec_driver_sql("PRAGMA page_size").scalar_one())
        return int(
            connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        )


@dataclass(frozen=True, slots=True)
class Growth:
    """What one run added to a database."""

    database: str
    run: int
    bodies: int
    pages: int
    bytes_after: int
    bytes_added: int

    @property
    def mb_per_1000_bodies(self) -> float:
        """Megabytes (10^6 bytes) the run added per 1,000 bodies."""
        return self.bytes_added / 1e6 * 1000 / self.bodies


def grow(
    db_url: str, shape: WebShape, pages_per_body: int, folder: Path, runs: int
) -> Iterator[Growth]:
    """Write ``runs`` runs of the same bodies into a fresh database, measuring it after each."""
    engine = make_engine(db_url)
    ensure_current(engine, db_url)
    engine.dispose()
    before = database_bytes(db_url)
    for run in range(1, runs + 1):
        rate = write_run(db_url, shape, pages_per_body, folder)
        after = database_bytes(db_url)
        yield Growth(rate.database, run, rate.bodies, rate.pages, after, after - before)
        before = after


@contextmanager
def scratch_postgres(server_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database on the server of ``server_url``, dropped afterwards."""
    url = make_url(server_url)
    name = f"govsocial_bench_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
