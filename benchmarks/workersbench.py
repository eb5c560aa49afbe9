"""Shared runs: one run of the synthetic web crawled by 1, 2 and 4 worker processes.

Each measurement gets a fresh PostgreSQL database. The first process starts the run
(``crawl --seeds``), the others join it (``crawl --join``) once its batches are queued; every
process has the same concurrency. The run's time is from the first worker's start to the run's
end as recorded in the database, so the one-off seed import counts in none of them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from benchmarks.crawlbench import LOOPBACK, serve
from benchmarks.synthweb import WebShape


@dataclass(frozen=True, slots=True)
class WorkersResult:
    """One run crawled by ``workers`` processes."""

    workers: int
    pages: int
    seconds: float
    settled_by: list[int]

    @property
    def pages_per_s(self) -> float:
        """Pages stored per second of the run."""
        return self.pages / self.seconds if self.seconds else 0.0


def _database(admin_url: str) -> str:
    """A new, empty database next to ``admin_url``'s."""
    name = f"govsocial_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop(admin_url: str, url: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def _wait_for_batches(db_url: str, starter: subprocess.Popen[bytes]) -> None:
    """Until the starter has queued the run's batches (joiners need the run to exist)."""
    engine = create_engine(db_url)
    try:
        while starter.poll() is None:
            if inspect(engine).has_table("procrastinate_jobs"):
                with engine.connect() as connection:
                    if connection.scalar(text("SELECT count(*) FROM procrastinate_jobs")):
                        return
            time.sleep(0.1)
    finally:
        engine.dispose()
    raise RuntimeError(f"the starting crawl ended ({starter.returncode}) before queueing")


def crawl_with(
    workers: int, seeds: Path, options: list[str], admin_url: str
) -> WorkersResult:
    """One shared run of ``seeds`` by ``workers`` processes."""
    db_url = _database(admin_url)
    command = [sys.executable, "-m", "crawler.cli", "crawl", "--db", db_url, "--quiet", *options]
    try:
        starter = subprocess.Popen([*command, "--seeds", str(seeds), "--allow-private"])
        _wait_for_batches(db_url, starter)
        joiners = [subprocess.Popen([*command, "--join", "1"]) for _ in range(workers - 1)]
        for process in (starter, *joiners):
            if process.wait() != 0:
                raise RuntimeError(f"a worker exited {process.returncode}")
        engine = create_engine(db_url)
        with engine.connect() as connection:
            pages = connection.scalar(text("SELECT count(*) FROM pages")) or 0
            seconds = connection.scalar(
                text(
                    "SELECT extract(epoch FROM r.finished_at - min(w.started_at)) "
                    "FROM crawl_runs r JOIN run_workers w ON w.run_id = r.id GROUP BY r.id"
                )
            )
            settled = connection.scalars(
                text("SELECT bodies_settled FROM run_workers ORDER BY id")
            ).all()
        engine.dispose()
        return WorkersResult(workers, int(pages), float(seconds or 0.0), list(settled))
    finally:
        _drop(admin_url, db_url)


def compare(
    shape: WebShape,
    counts: list[int],
    latency_ms: float,
    options: list[str],
    admin_url: str,
    folder: Path,
) -> list[WorkersResult]:
    """The same run crawled by each number of workers in ``counts``, against one server."""
    folder.mkdir(parents=True, exist_ok=True)
    with serve(shape, latency_ms) as served:
        seeds = shape.write_seeds(served.port, folder / "seeds.csv")
        hosts = json.dumps(shape.host_map(LOOPBACK))
        full = [*options, "-s", f"GOVSOCIAL_HOSTS={hosts}"]
        return [crawl_with(count, seeds, full, admin_url) for count in counts]
