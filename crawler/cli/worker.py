"""``govsocial worker``: serve every shared run of a PostgreSQL database until stopped."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.options import (
    allow_private_option,
    archive_option,
    archive_root,
    batch_option,
    columns_option,
    db_option,
    filter_list_option,
    jobs_option,
    lease_option,
    load_filter_lists,
    log_file_option,
    max_pages_option,
    overrides_option,
    parse_columns,
    render_option,
    resolve_database,
    seeds_option,
    skip_missing_urls_option,
)
from crawler.cli.shared import require_shared, worker_settings
from crawler.run.cluster import DATABASE_LOST, serve
from crawler.run.schedule import DEFAULT_CATCH_UP_SECONDS, RunPlan, Schedule, valid_cron


@click.command()
@db_option
@lease_option
@jobs_option
@batch_option
@overrides_option
@log_file_option
@click.option(
    "--schedule",
    "cron",
    metavar="CRON",
    help="Also start a new run of --seeds at these times (five-field cron, UTC, e.g. "
    "'0 3 1 * *': 03:00 on the first of every month). Workers given the same CRON start one "
    "run per time between them; a start while a run is live is skipped.",
)
@seeds_option
@columns_option
@skip_missing_urls_option
@max_pages_option
@allow_private_option
@render_option
@archive_option
@filter_list_option
@click.option(
    "--catch-up",
    "catch_up_seconds",
    type=click.FloatRange(0),
    default=DEFAULT_CATCH_UP_SECONDS,
    show_default=True,
    metavar="SECONDS",
    help="With --schedule: a start missed while no scheduling worker was up is still made "
    "when one comes up at most this late.",
)
def worker(
    db_url: str | None,
    lease_seconds: float,
    jobs: int,
    batch_bodies: int,
    overrides: tuple[str, ...],
    log_file: str | None,
    cron: str | None,
    seeds_path: Path | None,
    columns: tuple[str, ...],
    skip_missing_urls: bool,
    max_pages: int,
    allow_private: bool,
    render: str,
    archive: str | None,
    filter_list_paths: tuple[Path, ...],
    catch_up_seconds: float,
) -> None:
    """Crawl batches of every shared run in the database, on this machine, until stopped.

    Each run's own settings (page budget, render mode, address policy) come from the database;
    this machine's (host map, concurrency, -s settings) from this command line. With
    --schedule it also starts runs at set times. Needs PostgreSQL and the cluster extra.
    Exits 0 when stopped by a signal, 1 when the database is lost.
    """
    url = resolve_database(db_url)
    require_shared(url)
    settings = worker_settings(url, overrides, log_file, lease_seconds, jobs, batch_bodies)
    if cron is not None:
        settings.schedule = _schedule(
            cron,
            RunPlan(
                seeds=str(seeds_path.resolve()) if seeds_path else "",
                columns=parse_columns(columns),
                skip_missing_urls=skip_missing_urls,
                max_pages=max_pages,
                render=render,
                allow_private=allow_private,
                archive=str(root.resolve()) if (root := archive_root(archive)) else None,
                filter_lists=[str(path.resolve()) for path in filter_list_paths],
            ),
            catch_up_seconds,
        )
    elif seeds_path is not None:
        raise click.UsageError("--seeds names the runs --schedule starts: give --schedule CRON")
    reason = serve(settings)
    click.echo(f"worker stopped: {reason}", err=True)
    if reason.startswith(DATABASE_LOST):
        raise SystemExit(1)


def _schedule(cron: str, plan: RunPlan, catch_up_seconds: float) -> Schedule:
    """The schedule, its cron expression and seed file checked before the worker starts."""
    if not valid_cron(cron):
        raise click.BadParameter(
            f"{cron!r} is not a five-field cron expression (minute hour day month weekday)",
            param_hint="--schedule",
        )
    if not plan.seeds:
        raise click.UsageError("--schedule needs --seeds FILE: the seed list of the runs it starts")
    if not Path(plan.seeds).is_file():
        raise click.BadParameter(f"no seed file at {plan.seeds}", param_hint="--seeds")
    load_filter_lists(tuple(Path(path) for path in plan.filter_lists))
    return Schedule(cron, plan, catch_up_seconds)
