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

from crawler.cli.options import db_option, resolve_database, run_option
from db.exports import EXPORTS, WRITERS, write_csv
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
@db_option
def export_command(
    *,
    kind: str,
    run_selector: str,
    output_format: str,
    output: Path | None,
    excel: bool,
    db_url: str | None,
) -> None:
    """Export one run's KIND: accounts, trackers, shares or pages (one row per sighting with its
    evidence), requests or cookies (what the browser requested and stored on rendered pages,
    before consent) or bodies (one row per body, a column per platform and per tracker)."""
    if excel and output_format != "csv":
        raise click.UsageError("--excel applies to CSV only")
    try:
        with read_session(resolve_database(db_url)) as session:
            run = resolve_run(session, run_selector)
            stream = EXPORTS[kind](session, run.id)
            with output_stream(output) as out:
                if output_format == "csv":
                    count = write_csv(stream, out, excel=excel)
                else:
                    count = WRITERS[output_format](stream, out)
    except (RunNotFound, DatasetMissing) as error:
        raise click.ClickException(str(error)) from error
    if output is not None:
        click.echo(f"{count} rows of {kind} from run {run.id} written to {output}", err=True)
