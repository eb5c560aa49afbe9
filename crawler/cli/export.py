"""``govsocial export``: one run as CSV, JSON or JSON lines, streamed to stdout or a file."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click

from crawler.cli.options import (
    analysis_option,
    db_option,
    export_lang_option,
    resolve_database,
    run_option,
)
from db.analyses import AnalysisNotFound, choose_analyses
from db.exportlang import YES_NO, in_language
from db.exports import EXPORTS, WRITERS, RowStream, unique_accounts_export, write_csv
from db.history import DatasetMissing, read_session
from db.queries import RunNotFound, resolve_run

FORMATS = tuple(WRITERS)


@contextmanager
def output_stream(path: Path | None) -> Iterator[TextIO]:
    """UTF-8 text to ``path`` (written aside, then moved into place) or to stdout."""
    if path is None:
        sys.stdout.flush()
        # UTF-8 whatever the locale says: exports are data, not terminal text.
        stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            yield stdout
        finally:
            stdout.flush()
            stdout.detach()
        return
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as out:
        yield out
    os.replace(partial, path)


@click.command("export")
@click.argument("kind", type=click.Choice(tuple(EXPORTS)))
@run_option("export")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="csv",
    show_default=True,
    help="CSV, one JSON array, or one JSON object per line.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of stdout.",
)
@click.option(
    "--excel",
    is_flag=True,
    help="CSV that German Excel opens correctly: byte-order mark and ';' as separator.",
)
@analysis_option
@click.option(
    "--unique",
    is_flag=True,
    help="accounts only: one row per account and body over all finished runs (first and last "
    "seen, status current, removed or not_observed) instead of one row per sighting.",
)
@export_lang_option
@db_option
def export_command(
    *,
    kind: str,
    analysis_ids: tuple[int, ...],
    run_selector: str,
    output_format: str,
    output: Path | None,
    excel: bool,
    unique: bool,
    lang: str,
    db_url: str | None,
) -> None:
    """Export one run's KIND: accounts, trackers, shares or pages (one row per sighting with its
    evidence), requests or cookies (what the browser requested and stored on rendered pages,
    before consent) or bodies (one row per body, a column per platform and per tracker)."""
    if excel and output_format != "csv":
        raise click.UsageError("--excel applies to CSV only")
    if unique and kind != "accounts":
        raise click.UsageError("--unique applies to accounts only")
    if unique and run_selector != "latest":
        raise click.UsageError("--unique covers every finished run; it takes no --run")
    if unique and analysis_ids:
        raise click.UsageError("--unique reads each run's newest analysis; it takes no --analysis")
    try:
        with read_session(resolve_database(db_url)) as session:
            run = resolve_run(session, run_selector)
            choice = choose_analyses(session, analysis_ids)
            if set(choice.chosen) - {run.id}:
                raise AnalysisNotFound(f"--analysis names an analysis of another run than {run.id}")
            stream = (
                unique_accounts_export(session)
                if unique
                else EXPORTS[kind](session, run.id, choice)
            )
            count = write_stream(in_language(stream, lang), output, output_format, excel, lang)
    except (RunNotFound, DatasetMissing, AnalysisNotFound) as error:
        raise click.ClickException(str(error)) from error
    if output is not None:
        source = "all finished runs" if unique else f"run {run.id}"
        click.echo(f"{count} rows of {kind} from {source} written to {output}", err=True)


def write_stream(
    stream: RowStream, output: Path | None, output_format: str, excel: bool, lang: str
) -> int:
    """Write ``stream`` as CSV (``excel``: for German Excel), JSON or JSON lines; rows written."""
    with output_stream(output) as out:
        if output_format == "csv":
            return write_csv(stream, out, excel=excel, yes_no=YES_NO[lang])
        return WRITERS[output_format](stream, out)
