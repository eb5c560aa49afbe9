"""A shared run in the database: its worker processes, their leases on bodies, its end.

The task engine (crawler/run/cluster.py) decides which process runs which batch; these rows
decide which batch may store a body. A batch claims its bodies with a fresh lease before it
crawls, so a batch taken over from a worker presumed dead fences off that worker's writes
(crawler/pipelines/writer.py), and the new holder reads what was stored before it.
"""

from __future__ import annotations

import os
import socket
import uuid

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crawler.run.bodies import count_remaining, not_done
from crawler.run.lifecycle import finish_run, recount_run, worker_alive
from crawler.spiders.inputs import Homepage
from db.models import FINISHED, RUNNING, CrawlRun, RunBody, RunWorker, utcnow


def register_worker(session: Session, run_id: int) -> int:
    """A new row for this process working on ``run_id``; its id."""
    worker = RunWorker(run_id=run_id, hostname=socket.gethostname(), pid=os.getpid())
    session.add(worker)
    session.flush()
    return worker.id


def beat(session: Session, worker_ids: list[int]) -> None:
    """Mark the process's worker rows alive now."""
    if worker_ids:
        session.execute(
            update(RunWorker).where(RunWorker.id.in_(worker_ids)).values(heartbeat_at=utcnow())
        )


def stop_worker(session: Session, worker_id: int, reason: str) -> None:
    """Record that a process stopped working on its run, and why."""
    session.execute(
        update(RunWorker)
        .where(RunWorker.id == worker_id, RunWorker.stopped_at.is_(None))
        .values(stopped_at=utcnow(), stop_reason=reason, heartbeat_at=utcnow())
    )


def live_workers(session: Session, run_id: int) -> list[RunWorker]:
    """The run's workers still at work (on this machine: alive; elsewhere: beating)."""
    workers = session.scalars(
        select(RunWorker).where(RunWorker.run_id == run_id, RunWorker.stopped_at.is_(None))
    )
    return [worker for worker in workers if worker_alive(worker)]


def claim_bodies(session: Session, run_id: int, body_ids: list[str], worker_id: int) -> str:
    """A fresh lease on the batch's bodies that have no outcome yet; its token.

    The update waits for a previous holder's transaction in flight (it locks the rows it
    stores under) and, once committed, that holder stores nothing more for these bodies.
    """
    token = uuid.uuid4().hex
    session.execute(
        update(RunBody)
        .where(RunBody.run_id == run_id, RunBody.body_id.in_(body_ids), not_done(run_id))
        .values(lease=token, worker_id=worker_id)
    )
    return token


def leased_homepages(session: Session, run_id: int, token: str) -> list[Homepage]:
    """The bodies a lease holds that are still without an outcome, in seed-file order."""
    rows = session.execute(
        select(RunBody.body_id, RunBody.url)
        .where(RunBody.run_id == run_id, RunBody.lease == token, not_done(run_id))
        .order_by(RunBody.position)
    )
    return [Homepage(body_id, url) for body_id, url in rows]


def finish_if_settled(session: Session, run_id: int) -> CrawlRun | None:
    """Close the run as finished when every body has its outcome; whoever sees it first does.

    The run's row is locked first, so two workers settling the last bodies at once close it
    once, with counters recounted from its rows.
    """
    run = session.scalars(
        select(CrawlRun).where(CrawlRun.id == run_id).with_for_update()
    ).one_or_none()
    if run is None or run.status != RUNNING or count_remaining(session, run_id):
        return None
    recount_run(session, run_id)
    return finish_run(session, run_id, FINISHED)
