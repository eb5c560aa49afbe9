"""Shared runs on PostgreSQL: a run's bodies as procrastinate jobs, and the worker that takes them.

A run's bodies are deferred in batches to the run's own queue. A worker process takes a batch,
claims its bodies with a fresh lease (crawler/run/leases.py) and crawls them in a child process
(crawler/run/batch.py). Procrastinate's worker heartbeat is the lease's renewal: while a worker
lives its jobs stay its own, however slow a body; once its heartbeat is older than the lease,
any other worker puts its jobs back in the queue, and whoever takes one claims its bodies anew,
fencing off the old holder and skipping the pages it already stored.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from crawler.run.batch import BatchSpec
from crawler.run.bodies import count_remaining, not_done
from crawler.run.leases import (
    beat,
    claim_bodies,
    finish_if_settled,
    live_workers,
    register_worker,
    stop_worker,
)
from crawler.run.lifecycle import RUN_LOCK_KEY, finish_run
from crawler.run.schedule import (
    SCHEDULE_QUEUE,
    START_TASK,
    RunPlan,
    Schedule,
    ScheduledStartSkipped,
    open_scheduled_run,
    scheduled_time,
)
from crawler.run.shared_progress import SharedRunProgress
from db.models import FAILED, INTERRUPTED, RUNNING, CrawlRun, RunBody
from db.session import make_engine, make_sessionmaker

logger = logging.getLogger(__name__)

QUEUE_PREFIX = "govsocial-run-"
TASK_NAME = "govsocial.crawl_batch"
# Advisory lock keys next to the run lock's: the engine's schema, and deferring a run's bodies.
SCHEMA_LOCK_KEY = RUN_LOCK_KEY + 1
DEFER_LOCK_KEY = RUN_LOCK_KEY + 2
ENGINE_TABLE = "procrastinate_jobs"
ATTEMPTS = 3  # a batch whose crawl process fails is run at most this often
DEFAULT_BATCH_BODIES = 100
DEFAULT_LEASE_SECONDS = 60.0
DATABASE_LOST = "database connection lost"


class SharedRunsUnavailable(RuntimeError):
    """Shared runs need PostgreSQL and the cluster extra."""


class BatchFailed(RuntimeError):
    """A batch's crawl process ended without settling its bodies."""


def cluster_installed() -> bool:
    """Whether the task engine (the ``cluster`` extra) is installed."""
    return importlib.util.find_spec("procrastinate") is not None


def require_shared_runs(db_url: str) -> None:
    """Raise :class:`SharedRunsUnavailable` unless ``db_url`` can hold a shared run."""
    if make_url(db_url).get_backend_name() != "postgresql":
        raise SharedRunsUnavailable(
            "a SQLite database cannot be shared between processes or machines; "
            "use PostgreSQL (--db postgresql+psycopg://...) to join runs or serve them"
        )
    if not cluster_installed():
        raise SharedRunsUnavailable(
            "shared runs need the cluster extra: pip install 'govsocial[cluster]'"
        )


def queue_of(run_id: int) -> str:
    """The engine's queue that holds a run's batches."""
    return f"{QUEUE_PREFIX}{run_id}"


def _conninfo(db_url: str) -> str:
    """The libpq URL of a SQLAlchemy PostgreSQL URL."""
    return make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_engine_schema(engine: Engine) -> bool:
    """Create procrastinate's tables, types and functions unless they exist; True if it did.

    Taken under an advisory lock, so workers starting together create it once. The schema is
    the engine's own (procrastinate's ``schema.sql``), not an Alembic revision: its tables are
    left out of ``alembic check`` (migrations/env.py).
    """
    from procrastinate.schema import SchemaManager  # noqa: PLC0415 - the cluster extra

    with engine.begin() as connection:
        connection.execute(select(func.pg_advisory_xact_lock(SCHEMA_LOCK_KEY)))
        if inspect(connection).has_table(ENGINE_TABLE):
            return False
        _driver(connection).execute(SchemaManager.get_schema())
        return True


def _driver(connection: Connection) -> Any:
    """The psycopg connection under a SQLAlchemy one (the engine's SQL needs it as it is)."""
    return connection.connection.driver_connection


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _covered(connection: Connection, run_id: int, open_only: bool) -> set[str]:
    """Bodies named by the run's jobs: open ones only, or any job ever deferred."""
    query = "SELECT args FROM procrastinate_jobs WHERE queue_name = :queue AND task_name = :task"
    if open_only:
        query += " AND status::text IN ('todo', 'doing')"
    rows = connection.execute(text(query), {"queue": queue_of(run_id), "task": TASK_NAME})
    return {body_id for (args,) in rows for body_id in args.get("body_ids", ())}


def defer_missing(engine: Engine, run_id: int, batch_bodies: int, retry_failed: bool) -> int:
    """Defer batches for the run's unsettled bodies that no job names; how many bodies.

    With ``retry_failed`` (a resume), bodies of failed batches are deferred again too. Done
    under a lock per run, in the transaction that reads the jobs, so two processes never
    defer the same body twice.
    """
    from procrastinate import App, PsycopgConnector  # noqa: PLC0415 - the cluster extra
    from procrastinate.types import JSONDict  # noqa: PLC0415

    with engine.begin() as connection:
        connection.execute(select(func.pg_advisory_xact_lock(DEFER_LOCK_KEY, run_id)))
        covered = _covered(connection, run_id, open_only=retry_failed)
        remaining = connection.scalars(
            select(RunBody.body_id)
            .where(RunBody.run_id == run_id, not_done(run_id))
            .order_by(RunBody.position)
        )
        missing = [body_id for body_id in remaining if body_id not in covered]
        if missing:
            # Never opened: it defers on the connection given, inside this transaction.
            deferrer = App(connector=PsycopgConnector())
            batches: list[JSONDict] = [
                {"run_id": run_id, "body_ids": list(batch)}
                for batch in _chunks(missing, batch_bodies)
            ]
            deferrer.configure_task(
                TASK_NAME, queue=queue_of(run_id), connection=_driver(connection)
            ).batch_defer(*batches)
    return len(missing)


def open_jobs(engine: Engine, run_id: int) -> int:
    """The run's batches waiting or under way."""
    with engine.connect() as connection:
        query = (
            "SELECT count(*) FROM procrastinate_jobs WHERE queue_name = :queue "
            "AND status::text IN ('todo', 'doing')"
        )
        return int(connection.scalar(text(query), {"queue": queue_of(run_id)}) or 0)


@dataclass(slots=True)
class WorkerSettings:
    """A worker's machine-local settings; the run's own come from its row."""

    db_url: str
    hosts: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)
    log_file: str | None = None
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    jobs: int = 1  # batches crawled at once, each in its own process
    batch_bodies: int = DEFAULT_BATCH_BODIES
    schedule: Schedule | None = None  # runs this worker starts at set times (with others)
    progress: bool = False  # a joined run's progress on stderr, read from the database

    @property
    def heartbeat_seconds(self) -> float:
        """How often the worker says it is alive: several beats fit in one lease."""
        return self.lease_seconds / 4


class ClusterWorker:
    """One process serving shared runs: every run, or the one it joined until it is settled."""

    def __init__(self, settings: WorkerSettings, join: int | None = None) -> None:
        self.settings = settings
        self.join = join
        self.engine = make_engine(settings.db_url)
        self.sessions = make_sessionmaker(self.engine)
        self.rows: dict[int, int] = {}  # run id -> this process's run_workers row
        self.stop_reason: str | None = None
        self.batches: set[asyncio.subprocess.Process] = set()  # crawl processes under way

    async def crawl(self, run_id: int, body_ids: list[str]) -> int:
        """The task: claim a batch's bodies and crawl them in a child process."""
        worker_id = await asyncio.to_thread(self._row, run_id)
        token = await asyncio.to_thread(self._claim, run_id, body_ids, worker_id)
        spec = BatchSpec(
            self.settings.db_url,
            run_id,
            worker_id,
            token,
            self.settings.hosts,
            self.settings.overrides,
            self.settings.log_file,
            os.getpid(),
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "crawler.run.batch", spec.to_json()
        )
        self.batches.add(process)
        try:
            code = await process.wait()
        except asyncio.CancelledError:
            process.terminate()
            await process.wait()
            raise
        finally:
            self.batches.discard(process)
        if code != 0:
            raise BatchFailed(f"the crawl of {len(body_ids)} bodies of run {run_id} exited {code}")
        await asyncio.to_thread(self._settle, run_id)
        return len(body_ids)

    def start_scheduled(self, plan: RunPlan, timestamp: int) -> int | None:
        """The task of a scheduled start: open its run and queue its batches; the run's id."""
        machine = {
            "overrides": self.settings.overrides,
            "hosts": self.settings.hosts,
            "log_file": self.settings.log_file,
        }
        try:
            run_id = open_scheduled_run(plan, self.settings.db_url, machine, timestamp)
        except ScheduledStartSkipped as error:
            logger.warning("%s", error)
            return None
        defer_missing(self.engine, run_id, self.settings.batch_bodies, retry_failed=False)
        logger.info("run %d started as scheduled for %s", run_id, scheduled_time(timestamp))
        return run_id

    def _row(self, run_id: int) -> int:
        if run_id not in self.rows:
            with self.sessions.begin() as session:
                self.rows[run_id] = register_worker(session, run_id)
        return self.rows[run_id]

    def _claim(self, run_id: int, body_ids: list[str], worker_id: int) -> str:
        with self.sessions.begin() as session:
            return claim_bodies(session, run_id, body_ids, worker_id)

    def _settle(self, run_id: int) -> None:
        with self.sessions.begin() as session:
            if finish_if_settled(session, run_id) is not None:
                logger.info("run %d finished: every body settled", run_id)

    async def serve(self) -> str:
        """Work until stopped (a signal, a lost database, or a joined run settled); why."""
        from procrastinate import App, PsycopgConnector  # noqa: PLC0415 - the cluster extra
        from procrastinate.exceptions import ProcrastinateException  # noqa: PLC0415
        from procrastinate.worker import Worker  # noqa: PLC0415
        from psycopg import Error as PsycopgError  # noqa: PLC0415

        await asyncio.to_thread(ensure_engine_schema, self.engine)
        connector = PsycopgConnector(
            conninfo=_conninfo(self.settings.db_url),
            min_size=1,
            max_size=self.settings.jobs + 3,
            # A lost database is noticed within a heartbeat, not after a whole lease.
            timeout=self.settings.heartbeat_seconds,
            kwargs={"application_name": f"govsocial-worker-{os.getpid()}"},
        )
        schedule = self.settings.schedule
        app = App(
            connector=connector,
            periodic_defaults={"max_delay": schedule.catch_up_seconds} if schedule else None,
        )
        app.task(name=TASK_NAME, pass_context=True, retry=ATTEMPTS - 1)(_crawl_batch)
        # Every worker can take a scheduled start, whoever deferred it.
        start = app.task(name=START_TASK, pass_context=True, queue=SCHEDULE_QUEUE)(
            _start_scheduled_run
        )
        if schedule is not None:
            app.periodic(
                cron=schedule.cron,
                periodic_id=schedule.periodic_id,
                task_kwargs=schedule.plan.to_json(),
            )(start)
        beats = self.settings.heartbeat_seconds
        worker = Worker(
            app,
            queues=None if self.join is None else [queue_of(self.join)],
            name=f"govsocial@{socket.gethostname()}:{os.getpid()}",
            concurrency=self.settings.jobs,
            additional_context={"govsocial": self},
            update_heartbeat_interval=beats,
            stalled_worker_timeout=self.settings.lease_seconds,
            fetch_job_polling_interval=beats,
            abort_job_polling_interval=beats,
        )
        progress = None
        if self.join is not None and self.settings.progress:
            progress = SharedRunProgress(self.sessions, self.join)
        try:
            async with app.open_async():
                watch = asyncio.create_task(self._watch(app, worker))
                shown = asyncio.create_task(progress.show()) if progress else None
                try:
                    await worker.run()
                finally:
                    watch.cancel()
                    if shown is not None:
                        shown.cancel()
        except (OSError, DBAPIError, ProcrastinateException, PsycopgError) as error:
            self.stop_reason = self.stop_reason or f"{DATABASE_LOST}: {error}"
        reason = self.stop_reason or "stopped by a signal"
        if progress is not None and not reason.startswith(DATABASE_LOST):
            progress.console.print(await asyncio.to_thread(progress.last_line), soft_wrap=True)
        await asyncio.to_thread(self._stop_rows, reason)
        self.engine.dispose()
        return reason

    async def _watch(self, app: Any, worker: Any) -> None:
        """Beat, put stalled batches back in the queue, and stop a joiner once its run is done."""
        from procrastinate.exceptions import ConnectorException  # noqa: PLC0415
        from psycopg import Error as PsycopgError  # noqa: PLC0415

        try:
            while True:
                await asyncio.to_thread(self._beat)
                stalled = await app.job_manager.get_stalled_jobs(
                    task_name=TASK_NAME, seconds_since_heartbeat=self.settings.lease_seconds
                )
                for job in stalled:
                    try:
                        await app.job_manager.retry_job(job)
                    except ConnectorException:
                        continue  # another worker put it back first
                    logger.warning("batch %s of a silent worker put back in the queue", job.id)
                if self.join is not None and await asyncio.to_thread(self._joined_run_done):
                    worker.stop()
                    return
                await asyncio.sleep(self.settings.heartbeat_seconds)
        except (OSError, DBAPIError, ConnectorException, PsycopgError) as error:
            self.stop_reason = f"{DATABASE_LOST}: {error}"
            # Its batches could store nothing more: they end now (cleanly, on SIGTERM), and
            # go to other workers once this one's heartbeat is older than the lease.
            for process in self.batches:
                process.terminate()
            worker.stop()

    def _beat(self) -> None:
        with self.sessions.begin() as session:
            beat(session, list(self.rows.values()))

    def _joined_run_done(self) -> bool:
        """Whether the joined run needs this process no more (settled, closed or stuck)."""
        assert self.join is not None
        run_id = self.join
        with self.sessions.begin() as session:
            run = session.get_one(CrawlRun, run_id)
            if run.status != RUNNING:
                self.stop_reason = f"run {run_id} is {run.status}"
                return True
            if finish_if_settled(session, run_id) is not None:
                self.stop_reason = f"run {run_id} finished"
                return True
        if open_jobs(self.engine, run_id):
            return False
        if defer_missing(self.engine, run_id, self.settings.batch_bodies, retry_failed=False):
            return False
        with self.sessions.begin() as session:
            left = count_remaining(session, run_id)
            if not left:
                return False  # settled a moment ago: the next look closes it
            message = (
                f"{left} bodies left after their batches failed {ATTEMPTS} times; "
                f"resume it with `govsocial crawl --resume {run_id}`"
            )
            finish_run(session, run_id, FAILED, message)
            self.stop_reason = f"run {run_id} failed: {message}"
        return True

    def _stop_rows(self, reason: str) -> None:
        try:
            with self.sessions.begin() as session:
                for worker_id in self.rows.values():
                    stop_worker(session, worker_id, reason)
        except DBAPIError:
            logger.warning("could not record why this worker stopped: the database is gone")


async def _crawl_batch(context: Any, run_id: int, body_ids: list[str]) -> int:
    """The engine's task: one batch of a run, crawled by the worker that took it."""
    worker: ClusterWorker = context.additional_context["govsocial"]
    return await worker.crawl(run_id, body_ids)


async def _start_scheduled_run(context: Any, timestamp: int, **plan: Any) -> int | None:
    """The engine's periodic task: the run a schedule starts at ``timestamp``."""
    worker: ClusterWorker = context.additional_context["govsocial"]
    return await asyncio.to_thread(worker.start_scheduled, RunPlan(**plan), timestamp)


def check_joinable(db_url: str, run_id: int) -> None:
    """Raise :class:`SharedRunsUnavailable` unless the run exists and is running."""
    engine = make_engine(db_url)
    try:
        with sessionmaker(engine)() as session:
            run = session.get(CrawlRun, run_id)
            if run is None:
                raise SharedRunsUnavailable(f"there is no run {run_id} in this database")
            if run.status != RUNNING:
                raise SharedRunsUnavailable(
                    f"run {run_id} is {run.status}, not running: nothing to join"
                    + ("" if run.status == "finished" else f"; resume it with --resume {run_id}")
                )
    finally:
        engine.dispose()


def serve(settings: WorkerSettings, join: int | None = None) -> str:
    """Run a worker in this process until it stops; why it stopped."""
    require_shared_runs(settings.db_url)
    return asyncio.run(ClusterWorker(settings, join).serve())


def prepare_run(settings: WorkerSettings, run_id: int, resumed: bool) -> int:
    """Make a started or resumed run's bodies joinable: the engine's schema, then its batches."""
    require_shared_runs(settings.db_url)
    engine = make_engine(settings.db_url)
    try:
        ensure_engine_schema(engine)
        return defer_missing(engine, run_id, settings.batch_bodies, retry_failed=resumed)
    finally:
        engine.dispose()


def close_if_abandoned(db_url: str, run_id: int, reason: str) -> CrawlRun:
    """After this process stopped working on a run: interrupt it if no other worker is alive."""
    engine = make_engine(db_url)
    try:
        with sessionmaker(engine).begin() as session:
            run = session.get_one(CrawlRun, run_id)
            if run.status == RUNNING and not live_workers(session, run_id):
                message = f"{reason}; resume it with `govsocial crawl --resume {run_id}`"
                finish_run(session, run_id, INTERRUPTED, message)
            session.flush()
            session.expunge(run)
            return run
    finally:
        engine.dispose()
