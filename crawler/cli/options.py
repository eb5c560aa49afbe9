"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crawler.render.config import RENDER_MODES

if TYPE_CHECKING:
    from crawler.detection.filterlists import FilterList

db_option = click.option(
    "--db",
    "db_url",
    envvar="GOVSOCIAL_DB",
    default=None,
    metavar="URL",
    help="SQLAlchemy database URL (default: $GOVSOCIAL_DB, else SQLite at "
    "~/.local/share/govsocial/govsocial.sqlite, or under $XDG_DATA_HOME).",
)



def run_option(what: str) -> Any:
    """``--run ID|latest``, the run a reading command works on."""
    return click.option(
        "--run",
        "run_selector",
        default="latest",
        show_default=True,
        metavar="ID|latest",
        help=f"The run to {what}: its id, or 'latest' for the newest finished run.",
    )


export_lang_option = click.option(
    "--lang",
    type=click.Choice(("en", "de")),
    default="en",
    show_default=True,
    help="Column names and yes/no in English, or in German (ja/nein).",
)


# The database URL the running command resolved, for messages about it.
_resolved_database: str | None = None


def resolve_database(db_url: str | None) -> str:
    """The database URL to use (``--db``, ``$GOVSOCIAL_DB`` or the default), checked to parse."""
    from sqlalchemy.engine import make_url  # noqa: PLC0415 - keeps --help fast
    from sqlalchemy.exc import ArgumentError  # noqa: PLC0415

    from db.session import database_url  # noqa: PLC0415

    global _resolved_database  # noqa: PLW0603 - one command per process
    url = database_url(db_url)
    try:
        make_url(url)
    except ArgumentError:
        raise click.ClickException(
            f"--db {url!r} is not a database URL (e.g. sqlite:////var/lib/govsocial/gs.sqlite "
            "or postgresql+psycopg://user@host/govsocial)"
        ) from None
    _resolved_database = url
    return url


def database_problem(error: Exception) -> str:
    """One line on a database that cannot be used, naming it without its password."""
    from db.session import describe  # noqa: PLC0415

    where = describe(_resolved_database) if _resolved_database else "the database"
    reason = getattr(error, "orig", None) or error
    text = " ".join(str(reason).split("\n")[0].split())
    return f"database {where} is not usable: {text}"


def file_problem(error: OSError) -> str:
    """One line on a file or folder that cannot be read or written, database files included."""
    reason = error.strerror or type(error).__name__
    if isinstance(error, FileExistsError) and Path(str(error.filename)).is_file():
        reason = "a file is in the way of a folder"  # a path under a regular file
    if error.filename is None:
        return f"{reason}: {error}"
    about = ""
    if _resolved_database and _resolved_database.startswith("sqlite"):
        from db.session import describe  # noqa: PLC0415

        database = describe(_resolved_database)
        if database.startswith(str(Path(str(error.filename)).resolve())):
            about = f" (database {database})"
    return f"cannot use {error.filename}: {reason}{about}"

def _writable_log_file(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> str | None:
    """Refuse a log file that cannot be written before anything is crawled."""
    if value is None or value == "-":
        return value
    try:
        with Path(value).open("a", encoding="utf-8"):
            pass
    except OSError as error:
        raise click.BadParameter(f"cannot write to {value}: {error.strerror}") from None
    return value


log_file_option = click.option(
    "--log-file",
    type=click.Path(dir_okay=False, allow_dash=True),
    callback=_writable_log_file,
    metavar="PATH",
    help="Append the whole crawl log (Scrapy's, at LOG_LEVEL: INFO unless set with -s) to PATH; "
    "'-' writes it to stderr. Without it only warnings and errors are logged, to stderr.",
)

quiet_option = click.option(
    "--quiet",
    is_flag=True,
    help="For cron and timers: no progress, and the summary in one line. Warnings and errors "
    "still go to stderr.",
)


filter_list_option = click.option(
    "--filter-list",
    "filter_list_paths",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    metavar="PATH",
    help="Adblock Plus filter list (e.g. EasyPrivacy) to match every resource URL against "
    "(repeatable; needs the 'filterlists' extra).",
)


def load_filter_lists(paths: tuple[Path, ...]) -> list[FilterList]:
    """Compile user-supplied filter lists, turning what can go wrong into a clear message."""
    # Imported here: the detectors are not needed by the commands that only read the database.
    from crawler.detection.filterlists import (  # noqa: PLC0415
        FilterListUnavailableError,
        load_filter_list,
    )

    try:
        return [load_filter_list(path) for path in paths]
    except FilterListUnavailableError as error:
        raise click.ClickException(str(error)) from None
    except UnicodeDecodeError as error:
        raise click.ClickException(f"filter list is not UTF-8 text: {error}") from None


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    """``("NAME=VALUE", ...)`` as a dict, refusing anything else."""
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="-s")
        overrides[name.strip()] = value
    return overrides


def parse_columns(pairs: tuple[str, ...]) -> dict[str, str]:
    """``("id=ags", "url=website")`` as a field -> column mapping."""
    columns = {}
    for pair in pairs:
        field_name, sep, column = pair.partition("=")
        if not sep or not field_name.strip() or not column.strip():
            raise click.BadParameter(f"expected FIELD=COLUMN, got {pair!r}", param_hint="--column")
        columns[field_name.strip()] = column.strip()
    return columns


columns_option = click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Read a seed field from a differently named column, e.g. --column id=ags "
    "--column url=website (repeatable).",
)

allow_private_option = click.option(
    "--allow-private",
    is_flag=True,
    help="Allow loopback and private addresses (for local test sites only).",
)

overrides_option = click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=2 (repeatable).",
)


analysis_option = click.option(
    "--analysis",
    "analysis_ids",
    multiple=True,
    type=click.IntRange(1),
    metavar="ID",
    help="Read the findings of this analysis of its run (see `govsocial analyses RUN`) "
    "instead of the run's newest (repeatable, one per run).",
)

# Shared runs (PostgreSQL): how long a silent worker keeps its batches, how many it crawls at
# once, and how many bodies a batch holds.
lease_option = click.option(
    "--lease",
    "lease_seconds",
    type=click.FloatRange(1.0),
    default=60.0,
    show_default=True,
    envvar="GOVSOCIAL_LEASE_SECONDS",
    metavar="SECONDS",
    help="Shared runs: a worker silent this long is presumed dead and its batches go to "
    "others (workers say they are alive four times per lease).",
)
jobs_option = click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Shared runs: batches this process crawls at once, each in a crawl process of its own.",
)
batch_option = click.option(
    "--batch-bodies",
    type=click.IntRange(1, 10_000),
    default=100,
    show_default=True,
    help="Shared runs: bodies per batch when a run's bodies are queued (a batch's bodies are "
    "crawled at once, so it should fill a crawl process's open bodies).",
)


class SharedRunsRefused(click.ClickException):
    """A shared-run command on a database that cannot share: a usage error (exit 2)."""

    exit_code = 2


# What a new run is: given to `crawl`, and to `worker --schedule` for the runs it starts.
seeds_option = click.option(
    "--seeds",
    "seeds_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV with columns id, name, url (optional: kind, state, country, parent_id, "
    "population, wikidata; other columns are kept as attributes).",
)
skip_missing_urls_option = click.option(
    "--skip-missing-urls",
    is_flag=True,
    help="Pass over seed rows without a URL instead of refusing the file.",
)
max_pages_option = click.option(
    "--max-pages",
    type=click.IntRange(1, 200),
    default=10,
    show_default=True,
    help="Pages per body, homepage included.",
)


render_option = click.option(
    "--render",
    type=click.Choice(RENDER_MODES),
    default="none",
    show_default=True,
    help="Also load these pages in headless Chromium and record what the browser requests, "
    "stores and renders before any consent: none, the homepage of each body, or all pages. "
    "Needs Chromium and the render extra.",
)

ARCHIVE_ENV = "GOVSOCIAL_ARCHIVE_DIR"
archive_option = click.option(
    "--archive",
    "archive",
    is_flag=False,
    flag_value="",
    default=None,
    envvar=ARCHIVE_ENV,
    metavar="[DIR]",
    help="Keep every fetched page (and rendered DOM with the browser's requests) in WARC files, "
    "a folder per run under DIR (default: 'archive' beside the default database; also "
    f"${ARCHIVE_ENV}), for `govsocial reanalyse` and `govsocial evidence`.",
)


def archive_root(value: str | None) -> Path | None:
    """The archive root ``--archive [DIR]`` names: DIR, the default folder, or none."""
    from db.session import default_database_path  # noqa: PLC0415

    if value is None:
        return None
    return Path(value) if value else default_database_path().parent / "archive"
