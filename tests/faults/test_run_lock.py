"""One crawl per database: concurrent starts, live runs and runs left by dead processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from crawler.cli import main
from crawler.cli.crawl import EXIT_LOCKED
from crawler.run.lifecycle import CrawlAlreadyRunning, start_run
from crawler.seeds.seedfile import SeedList, read_seeds
from db.migrate import ensure_current
from db.models import INTERRUPTED, RUNNING, CrawlRun, utcnow
from db.session import make_engine, make_sessionmaker
from tests.faults.conftest import write_seeds

# Time for the second start to reach the lock before the first commits (SQLite shows no waiters).
OVERLAP_SECONDS = 0.5


@pytest.fixture
def database(any_db_url: str) -> Iterator[tuple[Engine, sessionmaker[Session]]]:
    """A migrated database on SQLite and on PostgreSQL."""
    engine = make_engine(any_db_url)
    ensure_current(engine, any_db_url)
    yield engine, make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def seed_list(tmp_path: Path) -> SeedList:
    """A one-body seed list."""
    return read_seeds(write_seeds(tmp_path / "seeds.csv", [("1", "A", "http://www.a.de/")]))


def _wait_until_waiting_for_lock(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        time.sleep(OVERLAP_SECONDS)
        return
    for _ in range(200):
        with engine.connect() as connection:
            waiting = connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
        time.sleep(0.05)
    pytest.fail("the second start never waited for the run lock")


def test_two_concurrent_starts_the_second_refuses(
    database: tuple[Engine, sessionmaker[Session]], seed_list: SeedList
) -> None:
    engine, sessions = database
    outcome: dict[str, str] = {}

    def second_start() -> None:
        try:
            with sessions.begin() as session:
                start_run(session, seed_list, {})
            outcome["second"] = "started"
        except CrawlAlreadyRunning as error:
            outcome["second"] = str(error)

    with sessions.begin() as first:
        first_id = start_run(first, seed_list, {}).id
        racer = threading.Thread(target=second_start)
        racer.start()
        _wait_until_waiting_for_lock(engine)
    racer.join(timeout=60)
    assert outcome["second"].startswith(f"run {first_id} is still running")
    with sessions() as session:
        assert session.scalars(select(CrawlRun.status)).all() == [RUNNING]


def _add_running_run(sessions: sessionmaker[Session], pid: int) -> None:
    with sessions.begin() as session:
        session.add(
            CrawlRun(
                status=RUNNING,
                code_version="test",
                pid=pid,
                hostname=socket.gethostname(),
                heartbeat_at=utcnow(),
            )
        )


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_run_left_by_a_killed_process_is_marked_interrupted(
    database: tuple[Engine, sessionmaker[Session]], seed_list: SeedList
) -> None:
    _, sessions = database
    _add_running_run(sessions, _dead_pid())
    with sessions.begin() as session:
        new_id = start_run(session, seed_list, {}).id
    with sessions() as session:
        runs = session.execute(select(CrawlRun.id, CrawlRun.status, CrawlRun.message)).all()
    (stale_id, stale_status, stale_message), (started_id, started_status, _) = sorted(runs)
    assert (stale_status, started_id, started_status) == (INTERRUPTED, new_id, RUNNING)
    assert "process died" in stale_message
    assert stale_id != new_id


def test_live_run_blocks_a_new_one(
    database: tuple[Engine, sessionmaker[Session]], seed_list: SeedList
) -> None:
    _, sessions = database
    _add_running_run(sessions, os.getpid())
    with (
        pytest.raises(CrawlAlreadyRunning, match="wait for it or stop it first"),
        sessions.begin() as session,
    ):
        start_run(session, seed_list, {})


@pytest.mark.parametrize("how", ["new", "resume"])
def test_an_overlapping_start_is_refused_with_its_own_exit_code(
    database: tuple[Engine, sessionmaker[Session]], any_db_url: str, tmp_path: Path, how: str
) -> None:
    _, sessions = database
    _add_running_run(sessions, os.getpid())  # this process: alive, so the run is live
    seeds = write_seeds(tmp_path / "seeds.csv", [("1", "A", "http://www.a.de/")])
    start = ["--seeds", str(seeds)] if how == "new" else ["--resume", "1", "--seeds", str(seeds)]
    result = CliRunner().invoke(main, ["crawl", *start, "--db", any_db_url, "--quiet"])
    assert result.exit_code == EXIT_LOCKED, result.output
    assert "run 1 is still running" in result.output
    with sessions() as session:
        assert session.scalars(select(CrawlRun.status)).all() == [RUNNING]
