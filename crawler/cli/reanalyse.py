"""``govsocial reanalyse``: a run's archived pages through today's detectors, as a new analysis."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from crawler.cli.options import db_option, filter_list_option, load_filter_lists, resolve_database
from crawler.run.reanalyse import (
    ArchiveUnreadable,
    DatasetMissing,
    ReanalysisRefused,
    reanalyse_run,
)


@click.command("reanalyse")
@click.argument("run_id", metavar="RUN", type=click.IntRange(1))
@db_option
@filter_list_option
@click.option(
    "--workers",
    type=click.IntRange(0),
    default=None,
    help="Analysis processes (default: one per core, at most two; 0: in this process).",
)
@click.option("--quiet", is_flag=True, help="No progress; the result in one line.")
def reanalyse(
    run_id: int,
    db_url: str | None,
    filter_list_paths: tuple[Path, ...],
    workers: int | None,
    quiet: bool,
) -> None:
    """Analyse RUN's archived pages again with today's catalogues and store a new analysis.

    The crawl is not repeated and the run's earlier analyses are kept; views, exports and
    `diff` read the newest analysis of each run unless told otherwise (--analysis). Needs a
    run crawled with --archive.
    """
    from crawler.analysis.pool import default_workers  # noqa: PLC0415

    url = resolve_database(db_url)
    load_filter_lists(filter_list_paths)
    shown = {"at": 0.0}

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if quiet or (done < total and now - shown["at"] < 1.0):
            return
        shown["at"] = now
        end = "\n" if done == total or not sys.stderr.isatty() else ""
        click.echo(f"\rre-analysing run {run_id}: {done}/{total} pages", err=True, nl=False)
        if end:
            click.echo(err=True)

    try:
        result = reanalyse_run(
            url,
            run_id,
            default_workers() if workers is None else workers,
            filter_list_paths,
            progress,
        )
    except (ReanalysisRefused, ArchiveUnreadable, DatasetMissing) as error:
        raise click.ClickException(str(error)) from None
    rate = result.pages / result.seconds if result.seconds > 0 else 0.0
    failed = f"; {result.failed} pages failed to analyse" if result.failed else ""
    click.echo(
        f"run {result.run_id}: analysis {result.analysis_id} stored, {result.pages} pages "
        f"re-analysed in {result.seconds:.1f} s ({rate:.1f} pages/s); catalogue version "
        f"{result.catalogue_version[:12]}; {result.accounts} account links, "
        f"{result.trackers} trackers{failed}"
    )
