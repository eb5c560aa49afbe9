"""``govsocial worker``: serve every shared run of a PostgreSQL database until stopped."""

from __future__ import annotations

import click

from crawler.cli.options import (
    batch_option,
    db_option,
    jobs_option,
    lease_option,
    log_file_option,
    overrides_option,
    resolve_database,
)
from crawler.cli.shared import require_shared, worker_settings
from crawler.run.cluster import DATABASE_LOST, serve


@click.command()
@db_option
@lease_option
@jobs_option
@batch_option
@overrides_option
@log_file_option
def worker(
    db_url: str | None,
    lease_seconds: float,
    jobs: int,
    batch_bodies: int,
    overrides: tuple[str, ...],
    log_file: str | None,
) -> None:
    """Crawl batches of every shared run in the database, on this machine, until stopped.

    Each run's own settings (page budget, render mode, address policy) come from the database;
    this machine's (host map, concurrency, -s settings) from this command line. Needs
    PostgreSQL and the cluster extra. Exits 0 when stopped by a signal, 1 when the database
    is lost.
    """
    url = resolve_database(db_url)
    require_shared(url)
    settings = worker_settings(url, overrides, log_file, lease_seconds, jobs, batch_bodies)
    reason = serve(settings)
    click.echo(f"worker stopped: {reason}", err=True)
    if reason.startswith(DATABASE_LOST):
        raise SystemExit(1)
