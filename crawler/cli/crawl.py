"""``govsocial crawl``: crawl a seed list into the database as a new run, or resume one."""

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
    parse_overrides,
    quiet_option,
    render_option,
    resolve_database,
    seeds_option,
    skip_missing_urls_option,
)
from crawler.cli.shared import require_shared, shares, work_on, worker_settings
from crawler.cli.summary import print_summary
from crawler.limits import BadSetting
from crawler.run.cluster import (
    SharedRunsUnavailable,
    check_joinable,
    prepare_run,
)
from crawler.run.crawl import CrawlOptions, RunNotClosed, crawl_run, open_run
from crawler.run.lifecycle import CrawlAlreadyRunning, ResumeRefused, SeedSource, run_seed_source
from crawler.seeds.seedfile import SeedFileError, SeedList, read_seeds
from db.models import FAILED, INTERRUPTED, RUNNING, CrawlRun

# Exit codes an operator can alert on (docs/scheduling.md); click's usage errors exit 2.
EXIT_FAILED = 1  # the run failed, or nothing could start (bad seeds, settings, database)
EXIT_LOCKED = 75  # another crawl is running on this database; nothing was done (EX_TEMPFAIL)
EXIT_INTERRUPTED = 130  # stopped by a signal; resume it with --resume


class AnotherCrawlRunning(click.ClickException):
    """An overlapping start refused: its own exit code, so a scheduler can tell it apart."""

    exit_code = EXIT_LOCKED


def _seed_source(
    seeds_path: Path | None,
    resume: int | None,
    db_url: str,
    columns: dict[str, str],
    skip_missing_urls: bool,
) -> SeedSource:
    """The seed file to read and how: as given, else as the resumed run started with it."""
    if seeds_path is not None:
        return SeedSource(str(seeds_path), columns, skip_missing_urls)
    if resume is None:
        raise click.UsageError("give --seeds FILE, or --resume RUN to continue a stopped run")
    try:
        return run_seed_source(db_url, resume)
    except ResumeRefused as error:
        raise click.ClickException(str(error)) from None


def _read_seed_file(source: SeedSource) -> SeedList:
    """The validated seed list; refuses the whole file if any row is wrong."""
    try:
        seed_list = read_seeds(source.path, source.columns, source.skip_without_url)
    except SeedFileError as error:
        raise click.ClickException(str(error)) from None
    if seed_list.skipped_without_url:
        click.echo(f"{seed_list.skipped_without_url} seed rows without a URL passed over", err=True)
    return seed_list


@click.command()
@seeds_option
@click.option(
    "--resume",
    type=click.IntRange(1),
    metavar="RUN",
    help="Continue an interrupted or failed run: bodies it finished are skipped and pages it "
    "stored are not fetched again. Uses the run's seed file (its content must be unchanged), "
    "page budget and address policy.",
)
@click.option(
    "--join",
    type=click.IntRange(1),
    metavar="RUN",
    help="Work on a running shared run (PostgreSQL) from this machine until no body is left; "
    "its page budget, render mode and address policy are the run's own.",
)
@columns_option
@skip_missing_urls_option
@db_option
@max_pages_option
@allow_private_option
@render_option
@archive_option
@overrides_option
@filter_list_option
@quiet_option
@log_file_option
@lease_option
@jobs_option
@batch_option
def crawl(
    seeds_path: Path | None,
    resume: int | None,
    join: int | None,
    columns: tuple[str, ...],
    skip_missing_urls: bool,
    db_url: str | None,
    max_pages: int,
    allow_private: bool,
    render: str,
    archive: str | None,
    overrides: tuple[str, ...],
    filter_list_paths: tuple[Path, ...],
    quiet: bool,
    log_file: str | None,
    lease_seconds: float,
    jobs: int,
    batch_bodies: int,
) -> None:
    """Crawl the bodies of a seed list and store what they link to and load, as a new run.

    Exits non-zero only when the run itself failed (1), another crawl holds the database (75)
    or the run was interrupted (130), not when some sites are down: unreachable bodies are
    recorded with their outcome.
    """
    url = resolve_database(db_url)
    shared = worker_settings(
        url, overrides, log_file, lease_seconds, jobs, batch_bodies, progress=not quiet
    )
    if join is not None:
        if seeds_path is not None or resume is not None:
            raise click.UsageError("--join works on a running run: give no --seeds or --resume")
        require_shared(url)
        try:
            check_joinable(url, join)
        except SharedRunsUnavailable as error:
            raise click.ClickException(str(error)) from None
        run, _ = work_on(shared, join)
        _close(run, url, quiet)
        return
    source = _seed_source(seeds_path, resume, url, parse_columns(columns), skip_missing_urls)
    load_filter_lists(filter_list_paths)  # refuse a broken list before anything is crawled
    options = CrawlOptions(
        seeds=Path(source.path),
        db_url=url,
        max_pages=max_pages,
        allow_private=allow_private,
        overrides=parse_overrides(overrides),
        progress=not quiet,
        log_file=log_file,
        filter_lists=list(filter_list_paths),
        resume=resume,
        seed_columns=source.columns,
        skip_missing_urls=source.skip_without_url,
        render=render,
        archive=archive_root(archive),
    )
    try:
        # The parsed seed list is never bound here: once the run is open it is garbage, and the
        # crawl reads the run's bodies from the database, a page of rows at a time.
        opened = open_run(options, _read_seed_file(source))
        if shares(url):
            # On PostgreSQL the run's bodies are queued in batches: this process works on them
            # like any joiner (`crawl --join`), and other machines may join.
            prepare_run(shared, opened.run_id, resumed=resume is not None)
            run, _ = work_on(shared, opened.run_id)
        else:
            run = crawl_run(opened)
    except CrawlAlreadyRunning as error:
        raise AnotherCrawlRunning(str(error)) from None
    except (BadSetting, ResumeRefused, RunNotClosed) as error:
        raise click.ClickException(str(error)) from None
    _close(run, url, quiet)


def _close(run: CrawlRun, url: str, quiet: bool) -> None:
    """The summary, then the exit code of the run's status."""
    print_summary(run, url, one_line=quiet)
    if run.status == FAILED:
        raise SystemExit(EXIT_FAILED)
    if run.status in (INTERRUPTED, RUNNING):  # RUNNING: this process left, others go on
        raise SystemExit(EXIT_INTERRUPTED)
