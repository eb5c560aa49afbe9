"""``govsocial report``: write a run's static web report into a folder."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.options import db_option, resolve_database, run_option
from crawler.report.i18n import LANGUAGES
from crawler.report.site import ReportError, Written, write_report
from db.history import DatasetMissing, read_session
from db.queries import RunNotFound, resolve_run

lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="de",
    show_default=True,
    help="Language of the report.",
)


def build_report(db_url: str, run_selector: str, output: Path, lang: str) -> Written:
    """Write the report of the run named by ``run_selector`` (``latest``: none yet is fine)."""
    try:
        with read_session(db_url) as session:
            try:
                run = resolve_run(session, run_selector)
            except RunNotFound:
                if run_selector != "latest":
                    raise
                run = None  # a database without a finished run gets a report that says so
            return write_report(session, run, output, lang)
    except (RunNotFound, DatasetMissing, ReportError) as error:
        raise click.ClickException(str(error)) from error


def describe(written: Written) -> str:
    """One line on what was written and where to open it."""
    what = f"run {written.run_id}" if written.run_id is not None else "no finished run yet"
    size = written.bytes / 1e6
    return (
        f"report of {what} ({written.bodies} bodies, {written.files} files, {size:.1f} MB) "
        f"written: open {written.index.resolve().as_uri()}"
    )


@click.command("report")
@run_option("report")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write index.html and its files into (a new or empty folder, or an "
    "earlier report, which is replaced).",
)
@lang_option
@db_option
def report(run_selector: str, output: Path, lang: str, db_url: str | None) -> None:
    """Write a run as a static web report: figures per Land and kind of body, a map, changes
    over time and since the previous run, and every body with its evidence. It opens from the
    file system or any web server and loads nothing from elsewhere."""
    written = build_report(resolve_database(db_url), run_selector, output, lang)
    click.echo(describe(written))
