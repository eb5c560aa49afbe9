"""Scheduled runs on a cluster: one run per scheduled time across workers, none over a live one."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from procrastinate import App, PsycopgConnector
from procrastinate.periodic import PeriodicDeferrer
from sqlalchemy import Engine, inspect

from crawler.run.cluster import (
    ClusterWorker,
    WorkerSettings,
    _conninfo,
    _start_scheduled_run,
    ensure_engine_schema,
)
from crawler.run.lifecycle import start_run
from crawler.run.schedule import START_TASK, RunPlan, Schedule
from crawler.seeds.seedfile import read_seeds
from db.migrate import ensure_current
from db.session import make_engine, make_sessionmaker
from tests.cluster.conftest import LEASE, Workers, scalar, wait_until
from tests.faults.conftest import QUICK, FaultWeb, host_map, rows, write_seeds

pytestmark = [pytest.mark.postgres]

NEW_YEAR = "0 0 1 1 *"  # its latest time is the same for every process started this year
A_YEAR_AND_MORE = str(400 * 24 * 3600)
SCHEDULED_AT = 1_767_225_600  # 2026-01-01 00:00 UTC


def sound_seeds(fault_web: FaultWeb, folder: Path, count: int) -> tuple[Path, str]:
    """A seed file of sound sites on the fault server, and its host map."""
    seeds = [(f"{n:08d}", f"Gemeinde {n}", fault_web.url(f"www.plan-{n}.de")) for n in range(count)]
    return write_seeds(folder / "seeds.csv", seeds), host_map(seeds)


async def _defer_start(db_url: str, schedule: Schedule, timestamp: int) -> None:
    """One worker's periodic deferral of the schedule's start at ``timestamp``."""
    app = App(connector=PsycopgConnector(conninfo=_conninfo(db_url), min_size=1, max_size=1))
    app.periodic(
        cron=schedule.cron,
        periodic_id=schedule.periodic_id,
        task_kwargs=schedule.plan.to_json(),
    )(app.task(name=START_TASK, pass_context=True)(_start_scheduled_run))
    deferrer = PeriodicDeferrer(app.periodic_registry)
    async with app.open_async():
        (periodic_task,) = app.periodic_registry.periodic_tasks.values()
        await deferrer.defer_jobs([(periodic_task, timestamp)])


def test_two_workers_deferring_the_same_time_defer_one_start(
    tmp_path: Path, postgres_database: str, engine_for: Callable[[str], Engine]
) -> None:
    engine = engine_for(postgres_database)
    ensure_current(engine, postgres_database)
    ensure_engine_schema(engine)
    schedule = Schedule("0 3 1 * *", RunPlan(seeds=str(tmp_path / "seeds.csv")))

    async def both() -> None:
        await asyncio.gather(
            _defer_start(postgres_database, schedule, SCHEDULED_AT),
            _defer_start(postgres_database, schedule, SCHEDULED_AT),
        )

    asyncio.run(both())
    asyncio.run(_defer_start(postgres_database, schedule, SCHEDULED_AT))  # a late worker

    jobs = "SELECT args->>'timestamp', args->>'seeds' FROM procrastinate_jobs WHERE task_name = :t"
    assert rows(engine, jobs, t=START_TASK) == [(str(SCHEDULED_AT), str(tmp_path / "seeds.csv"))]
    assert scalar(engine, "SELECT count(*) FROM procrastinate_periodic_defers") == 1


def test_a_scheduled_start_while_a_run_is_live_is_skipped_with_the_reason(
    fault_web: FaultWeb,
    tmp_path: Path,
    postgres_database: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    seeds, _ = sound_seeds(fault_web, tmp_path, 3)
    engine = make_engine(postgres_database)
    ensure_current(engine, postgres_database)
    with make_sessionmaker(engine).begin() as session:
        live = start_run(session, read_seeds(seeds), {}).id
    engine.dispose()
    worker = ClusterWorker(WorkerSettings(postgres_database))

    with caplog.at_level(logging.WARNING, logger="crawler.run.cluster"):
        started = worker.start_scheduled(RunPlan(seeds=str(seeds)), SCHEDULED_AT)
    worker.engine.dispose()

    assert started is None
    (message,) = caplog.messages
    assert message.startswith(
        f"the run scheduled for 2026-01-01 00:00 UTC was skipped: run {live} is still running "
    )
    assert message.endswith("wait for it or stop it first")
    assert scalar(engine, "SELECT count(*) FROM crawl_runs") == 1


def test_a_scheduled_start_with_an_unreadable_seed_file_names_it(
    tmp_path: Path, postgres_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    worker = ClusterWorker(WorkerSettings(postgres_database))
    missing = tmp_path / "nowhere.csv"
    with caplog.at_level(logging.WARNING, logger="crawler.run.cluster"):
        assert worker.start_scheduled(RunPlan(seeds=str(missing)), SCHEDULED_AT) is None
    worker.engine.dispose()
    (message,) = caplog.messages
    assert message.startswith(
        "the run scheduled for 2026-01-01 00:00 UTC could not start on this machine: "
    )
    assert str(missing) in message


@pytest.mark.e2e
def test_workers_with_one_schedule_start_one_run_and_serve_it(
    fault_web: FaultWeb,
    workers: Workers,
    tmp_path: Path,
    postgres_database: str,
    engine_for: Callable[[str], Engine],
) -> None:
    seeds, hosts = sound_seeds(fault_web, tmp_path, 6)
    engine = engine_for(postgres_database)
    scheduled = [
        workers.start(
            f"worker{n}", "worker", "--db", postgres_database, "--lease", LEASE,
            "--batch-bodies", "1", "-s", f"GOVSOCIAL_HOSTS={hosts}", *QUICK,
            "--schedule", NEW_YEAR, "--catch-up", A_YEAR_AND_MORE,
            "--seeds", str(seeds), "--allow-private", "--max-pages", "2",
        )
        for n in (1, 2)
    ]

    def finished() -> bool:
        if not inspect(engine).has_table("crawl_runs"):
            return False
        return rows(engine, "SELECT status FROM crawl_runs") == [("finished",)]

    wait_until(finished, "the scheduled run is finished", *scheduled)
    for process in scheduled:
        os.killpg(process.popen.pid, signal.SIGTERM)
        assert process.finish() == 0, process.stderr()

    assert rows(engine, "SELECT bodies_total, bodies_done FROM crawl_runs") == [(6, 6)]
    assert scalar(engine, "SELECT settings->>'GOVSOCIAL_MAX_PAGES' FROM crawl_runs") == "2"
    assert scalar(engine, "SELECT count(*) FROM procrastinate_periodic_defers") == 1
    assert scalar(engine, "SELECT count(*) FROM body_visits") == 6
