"""``govsocial crawl``: crawl a seed list into the database as a new run, or resume one."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.exc import DBAPIError

from crawler.cli.options import db_option, filter_list_option, load_filter_lists
from crawler.cli.summary import print_summary
from crawler.crawl import CrawlOptions, RunNotClosed, run_crawl
from crawler.runs import FAILED, INTERRUPTED, CrawlAlreadyRunning, ResumeRefused, run_seed_file
from crawler.seeds import SeedFileError, read_seeds
from db.session import database_url, describe

EXIT_INTERRUPTED = 130


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    """``("NAME=VALUE", ...)`` as a dict, refusing anything else."""
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="-s")
        overrides[name.strip()] = value
    return overrides


def _seed_path(seeds_path: Path | None, resume: int | None, db_url: str) -> Path:
    """The seed file to read: the one given, else the one the resumed run started with."""
    if seeds_path is not None:
        return seeds_path
    if resume is None:
        raise click.UsageError("give --seeds FILE, or --resume RUN to continue a stopped run")
    try:
        recorded = run_seed_file(db_url, resume)
    except ResumeRefused as error:
        raise click.ClickException(str(error)) from None
    return Path(recorded)


@click.command()
@click.option(
    "--seeds",
    "seeds_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV with columns id, name, url (optional: kind, state, country, parent_id, "
    "population, wikidata; other columns are kept as attributes).",
)
@click.option(
    "--resume",
    type=click.IntRange(1),
    metavar="RUN",
    help="Continue an interrupted or failed run: bodies it finished are skipped and pages it "
    "stored are not fetched again. Uses the run's seed file (its content must be unchanged), "
    "page budget and address policy.",
)
@db_option
@click.option(
    "--max-pages",
    type=click.IntRange(1, 200),
    default=10,
    show_default=True,
    help="Pages per body, homepage included.",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Allow loopback and private addresses (for local test sites only).",
)
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=2 (repeatable).",
)
@filter_list_option
@click.option("--quiet", is_flag=True, help="No live progress display.")
def crawl(
    seeds_path: Path | None,
    resume: int | None,
    db_url: str | None,
    max_pages: int,
    allow_private: bool,
    overrides: tuple[str, ...],
    filter_list_paths: tuple[Path, ...],
    quiet: bool,
) -> None:
    """Crawl the bodies of a seed list and store what they link to and load, as a new run.

    Exits non-zero only when the run itself failed (or was interrupted), not when some
    sites are down: unreachable bodies are recorded with their outcome.
    """
    url = database_url(db_url)
    seeds_path = _seed_path(seeds_path, resume, url)
    try:
        seed_list = read_seeds(seeds_path)
    except SeedFileError as error:
        raise click.ClickException(str(error)) from None
    load_filter_lists(filter_list_paths)  # refuse a broken list before anything is crawled
    options = CrawlOptions(
        seeds=seeds_path,
        db_url=url,
        max_pages=max_pages,
        allow_private=allow_private,
        overrides=parse_overrides(overrides),
        progress=not quiet,
        log_level="WARNING" if not quiet else None,
        filter_lists=list(filter_list_paths),
        resume=resume,
    )
    try:
        run = run_crawl(options, seed_list)
    except (CrawlAlreadyRunning, ResumeRefused, RunNotClosed) as error:
        raise click.ClickException(str(error)) from None
    except DBAPIError as error:
        message = f"database {describe(url)} is not usable: {error.orig}"
        raise click.ClickException(message) from None
    print_summary(run, url)
    if run.status == FAILED:
        raise SystemExit(1)
    if run.status == INTERRUPTED:
        raise SystemExit(EXIT_INTERRUPTED)
