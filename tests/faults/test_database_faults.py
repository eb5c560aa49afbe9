"""A database that fills up or goes away mid-run: the crawl stops with the reason, intact."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from db.migrate import ensure_current
from tests.e2e.conftest import govsocial
from tests.faults.conftest import FaultWeb, crawl_args, host_map, resume_args, rows, write_seeds
from tests.faults.test_interrupts import wait_for_visits

pytestmark = pytest.mark.e2e

PAGES_BEFORE_FULL = 4
FULL = f"""
CREATE TRIGGER disk_full BEFORE INSERT ON pages
WHEN (SELECT count(*) FROM pages) >= {PAGES_BEFORE_FULL}
BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END
"""


def _seeds(fault_web: FaultWeb, folder: Path, tag: str, count: int) -> tuple[Path, str]:
    seeds = [
        (f"{n:08d}", f"Stadt {n}", fault_web.url(f"www.stadt-{tag}-{n}.de"))
        for n in range(1, count + 1)
    ]
    return write_seeds(folder / "seeds.csv", seeds), host_map(seeds)


def _nothing_half_written(engine: Engine) -> None:
    """Every stored body outcome counts exactly the pages stored for it; no orphan findings."""
    per_body = rows(
        engine,
        "SELECT v.pages_fetched, (SELECT count(*) FROM pages p WHERE p.run_id = v.run_id "
        "AND p.body_id = v.body_id AND p.error IS NULL) FROM body_visits v",
    )
    assert all(recorded == stored for recorded, stored in per_body)
    orphans = rows(
        engine,
        "SELECT count(*) FROM social_links s LEFT JOIN pages p ON p.id = s.page_id "
        "WHERE p.id IS NULL",
    )
    assert orphans == [(0,)]


def test_database_full_stops_the_run_with_the_reason(
    fault_web: FaultWeb, tmp_path: Path, engine_for: Callable[[str], Engine]
) -> None:
    db_url = f"sqlite:///{tmp_path / 'full.sqlite'}"
    engine = engine_for(db_url)
    ensure_current(engine, db_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(FULL)
    seeds, hosts = _seeds(fault_web, tmp_path, "voll", 6)
    result = govsocial(*crawl_args(seeds, db_url, hosts), "--allow-private")
    assert result.returncode == 1
    assert "run 1: failed" in result.stdout
    ((status, message),) = rows(engine, "SELECT status, message FROM crawl_runs")
    assert status == "failed"
    assert message.startswith("database error: IntegrityError: database or disk is full")
    assert rows(engine, "SELECT count(*) FROM pages") == [(PAGES_BEFORE_FULL,)]
    _nothing_half_written(engine)


def test_database_gone_mid_run_stops_cleanly_and_the_run_resumes(
    fault_web: FaultWeb, tmp_path: Path, postgres_database: str, engine_for: Callable
) -> None:
    seeds, hosts = _seeds(fault_web, tmp_path, "weg", 10)
    name = make_url(postgres_database).database
    admin = create_engine(make_url(postgres_database).set(database="postgres"))
    hold = ("-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.2", "--allow-private")
    command = [sys.executable, "-m", "crawler.cli", *crawl_args(seeds, postgres_database, hosts)]
    crawl = subprocess.Popen(
        [*command, *hold], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    engine = engine_for(postgres_database)
    wait_for_visits(engine, 2, crawl)
    engine.dispose()
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"
                ),
                {"name": name},
            )
        _, stderr = crawl.communicate(timeout=60)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    assert crawl.returncode == 1
    assert "could not be closed" in stderr
    assert "the next crawl will mark it interrupted" in stderr
    _nothing_half_written(engine)

    resumed = govsocial(*resume_args(1, postgres_database, hosts))
    assert resumed.returncode == 0, resumed.stderr
    assert rows(engine, "SELECT status, bodies_done FROM crawl_runs") == [("finished", 10)]
    _nothing_half_written(engine)
