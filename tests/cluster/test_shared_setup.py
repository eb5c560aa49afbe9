"""Shared runs' setup: refused on SQLite, the engine's schema applied once, writes fenced."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from crawler.cli import main
from crawler.items import BodyOutcome, PageItem
from crawler.pipelines.writer import Lease, RunWriter
from crawler.run.cluster import defer_missing, ensure_engine_schema, open_jobs
from crawler.run.leases import claim_bodies, register_worker
from crawler.run.lifecycle import start_run
from crawler.seeds.seedfile import SeedList, read_seeds
from db.migrate import alembic_config, ensure_current
from db.models import BodyVisit, PageFetch, RunWorker, utcnow
from db.session import make_engine, make_sessionmaker
from tests.faults.conftest import write_seeds


@pytest.mark.parametrize("args", [["crawl", "--join", "1"], ["worker"]])
def test_sqlite_cannot_be_shared(args: list[str], sqlite_url: str) -> None:
    result = CliRunner().invoke(main, [*args, "--db", sqlite_url])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "Error: a SQLite database cannot be shared between processes or machines; use "
        "PostgreSQL (--db postgresql+psycopg://...) to join runs or serve them"
    ]


@pytest.fixture
def database(postgres_database: str) -> Iterator[tuple[Engine, sessionmaker[Session]]]:
    """A migrated PostgreSQL database."""
    engine = make_engine(postgres_database)
    ensure_current(engine, postgres_database)
    yield engine, make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def seed_list(tmp_path: Path) -> SeedList:
    """Five bodies."""
    seeds = [(f"{n}", f"Gemeinde {n}", f"http://www.g{n}.de/") for n in range(5)]
    return read_seeds(write_seeds(tmp_path / "seeds.csv", seeds))


def test_the_engine_schema_is_applied_once_and_shows_no_drift(
    database: tuple[Engine, sessionmaker[Session]], postgres_database: str
) -> None:
    engine, _ = database
    assert ensure_engine_schema(engine) is True
    assert ensure_engine_schema(engine) is False
    assert "procrastinate_jobs" in inspect(engine).get_table_names()
    command.check(alembic_config(postgres_database))  # raises on drift


def test_each_unsettled_body_is_deferred_once(
    database: tuple[Engine, sessionmaker[Session]], seed_list: SeedList
) -> None:
    engine, sessions = database
    ensure_engine_schema(engine)
    with sessions.begin() as session:
        run_id = start_run(session, seed_list, {}).id
    assert defer_missing(engine, run_id, batch_bodies=2, retry_failed=False) == 5
    assert defer_missing(engine, run_id, batch_bodies=2, retry_failed=False) == 0
    assert open_jobs(engine, run_id) == 3


def _page(body_id: str) -> PageItem:
    return PageItem(body_id=body_id, url=f"http://www.g{body_id}.de/", depth=0, status=200)


def _outcome(body_id: str) -> BodyOutcome:
    return BodyOutcome(
        body_id=body_id,
        seed_url=f"http://www.g{body_id}.de/",
        reachable=True,
        outcome="ok",
        reason=None,
        final_url=None,
        moved_to=None,
        pages_fetched=1,
        started_at=utcnow(),
    )


def test_a_batch_whose_lease_was_taken_over_stores_nothing_more(
    database: tuple[Engine, sessionmaker[Session]], seed_list: SeedList
) -> None:
    _, sessions = database
    with sessions.begin() as session:
        run_id = start_run(session, seed_list, {}).id
        old, new = register_worker(session, run_id), register_worker(session, run_id)
        old_lease = claim_bodies(session, run_id, ["0", "1"], old)
    old_writer = RunWriter(sessions, run_id, lease=Lease(old_lease, old))
    old_writer.add_page(_page("0"))  # stored: the lease is still its own
    with sessions.begin() as session:
        new_lease = claim_bodies(session, run_id, ["0", "1"], new)
    old_writer.add_page(_page("1"))
    old_writer.add_outcome(_outcome("0"))
    new_writer = RunWriter(sessions, run_id, lease=Lease(new_lease, new))
    new_writer.add_page(_page("1"))
    new_writer.add_outcome(_outcome("0"))
    new_writer.add_outcome(_outcome("1"))

    with sessions() as session:
        pages = session.execute(select(PageFetch.body_id, func.count()).group_by(PageFetch.body_id))
        assert sorted(pages) == [("0", 1), ("1", 1)]
        assert session.scalar(select(func.count()).select_from(BodyVisit)) == 2
        settled = dict(session.execute(select(RunWorker.id, RunWorker.bodies_settled)).all())
        assert settled == {old: 0, new: 2}


def test_runs_shows_a_live_runs_workers_and_bodies_left(
    sqlite_url: str, seed_list: SeedList
) -> None:
    engine = make_engine(sqlite_url)
    ensure_current(engine, sqlite_url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        run_id = start_run(session, seed_list, {}).id
        working, stopped = register_worker(session, run_id), register_worker(session, run_id)
    RunWriter(sessions, run_id, lease=None).add_outcome(_outcome("0"))
    with sessions.begin() as session:
        session.get_one(RunWorker, working).bodies_settled = 1
        session.get_one(RunWorker, stopped).stopped_at = utcnow()
        session.get_one(RunWorker, stopped).stop_reason = "stopped by a signal"
    engine.dispose()

    result = CliRunner().invoke(main, ["runs", "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[3] == "run 1: 4 bodies left, 2 workers"
    assert lines[4].endswith("settled 1  working")
    assert lines[5].endswith("settled 0  stopped: stopped by a signal")
    listed = CliRunner().invoke(main, ["runs", "--db", sqlite_url, "--format", "json"])
    (record,) = json.loads(listed.output)
    assert record["bodies_left"] == 4
    assert [worker["bodies_settled"] for worker in record["workers"]] == [1, 0]
