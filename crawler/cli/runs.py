"""``govsocial runs``: the runs in the database."""

from __future__ import annotations

import json
from typing import cast

import click

from crawler.cli.options import db_option, resolve_database
from db.history import DatasetMissing, read_session
from db.models import CrawlRun
from db.queries import crawled_seconds, list_runs

COLUMNS = (
    "id",
    "started_at",
    "finished_at",
    "status",
    "bodies_total",
    "bodies_done",
    "bodies_reachable",
    "pages_fetched",
    "accounts_found",
    "trackers_found",
    "errors",
)


def run_record(run: CrawlRun) -> dict[str, object]:
    """A run as plain values (timestamps in ISO 8601), with the seconds it spent crawling."""
    record: dict[str, object] = {}
    for column in COLUMNS:
        value = getattr(run, column)
        record[column] = value.isoformat() if hasattr(value, "isoformat") else value
    record["crawl_seconds"] = round(crawled_seconds(run), 1)
    return record


def _clock(seconds: float) -> str:
    """``h:mm:ss`` of a number of seconds."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


@click.command()
@db_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
def runs(db_url: str | None, output_format: str) -> None:
    """List crawl runs, newest first."""
    try:
        with read_session(resolve_database(db_url)) as session:
            records = [run_record(run) for run in list_runs(session)]
    except DatasetMissing as error:
        message = f"no runs: this database has never been crawled into ({error})"
        raise click.ClickException(message) from None
    if output_format == "json":
        click.echo(json.dumps(records, indent=2))
        return
    if not records:
        click.echo("no runs yet")
        return
    header = (
        "id",
        "started",
        "finished",
        "crawled",
        "status",
        "bodies",
        "reachable",
        "pages",
        "accounts",
        "trackers",
        "errors",
    )
    rows = [
        (
            str(r["id"]),
            str(r["started_at"])[:19],
            str(r["finished_at"] or "")[:19],
            _clock(cast(float, r["crawl_seconds"])),
            str(r["status"]),
            f"{r['bodies_done']}/{r['bodies_total']}",
            str(r["bodies_reachable"]),
            str(r["pages_fetched"]),
            str(r["accounts_found"]),
            str(r["trackers_found"]),
            str(r["errors"]),
        )
        for r in records
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
