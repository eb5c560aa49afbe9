"""What ``crawl`` and ``worker`` share on PostgreSQL: working on runs with other processes."""

from __future__ import annotations

import click

from crawler.cli.options import SharedRunsRefused, parse_overrides
from crawler.run.cluster import (
    DATABASE_LOST,
    SharedRunsUnavailable,
    WorkerSettings,
    close_if_abandoned,
    require_shared_runs,
    serve,
)
from db.models import RUNNING, CrawlRun


def shares(db_url: str) -> bool:
    """Whether crawls on this database run as shared runs (PostgreSQL with the cluster extra)."""
    try:
        require_shared_runs(db_url)
    except SharedRunsUnavailable:
        return False
    return True


def require_shared(db_url: str) -> None:
    """Refuse, as a usage error in one line, a database that cannot hold a shared run."""
    try:
        require_shared_runs(db_url)
    except SharedRunsUnavailable as error:
        raise SharedRunsRefused(str(error)) from None


def worker_settings(
    url: str,
    overrides: tuple[str, ...],
    log_file: str | None,
    lease_seconds: float,
    jobs: int,
    batch_bodies: int,
    progress: bool = False,
) -> WorkerSettings:
    """This machine's settings for working on shared runs, from the command line."""
    return WorkerSettings(
        db_url=url,
        overrides=parse_overrides(overrides),
        log_file=log_file,
        lease_seconds=lease_seconds,
        jobs=jobs,
        batch_bodies=batch_bodies,
        progress=progress,
    )


def work_on(settings: WorkerSettings, run_id: int) -> tuple[CrawlRun, str]:
    """Work on a shared run until no body is left for this process; the run and why it stopped.

    A run this process leaves while others still work on it stays running; one nobody else
    works on is closed as interrupted, to be resumed.
    """
    reason = serve(settings, join=run_id)
    if reason.startswith(DATABASE_LOST):
        click.echo(
            f"this worker stopped: {reason}; run {run_id} could not be closed here: the next "
            "crawl will mark it interrupted unless another worker goes on with it",
            err=True,
        )
        raise SystemExit(1)
    run = close_if_abandoned(settings.db_url, run_id, reason)
    if run.status == RUNNING:
        click.echo(f"run {run_id} goes on with the other workers ({reason})", err=True)
    return run, reason
