"""``govsocial runs``: the runs in the database."""

from __future__ import annotations

import json
from datetime import datetime
from typing import cast

import click
from sqlalchemy.orm import Session

from crawler.cli.options import db_option, resolve_database
from db.history import DatasetMissing, read_session
from db.models import RUNNING, CrawlRun
from db.queries import bodies_left, crawled_seconds, list_runs, run_workers

WORKER_COLUMNS = (
    "hostname",
    "pid",
    "started_at",
    "heartbeat_at",
    "bodies_settled",
    "stopped_at",
    "stop_reason",
)
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


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def run_record(run: CrawlRun, session: Session | None = None) -> dict[str, object]:
    """A run as plain values (timestamps in ISO 8601), with the seconds it spent crawling.

    A live run read with ``session`` also has its workers and the bodies it has left.
    """
    record: dict[str, object] = {column: _plain(getattr(run, column)) for column in COLUMNS}
    record["crawl_seconds"] = round(crawled_seconds(run), 1)
    if session is not None and run.status == RUNNING:
        record["bodies_left"] = bodies_left(session, run.id)
        record["workers"] = [
            {column: _plain(getattr(worker, column)) for column in WORKER_COLUMNS}
            for worker in run_workers(session, run.id)
        ]
    return record


def _worker_lines(record: dict[str, object]) -> list[str]:
    """A live run's workers under its row: host, pid, last heartbeat, bodies settled."""
    workers = cast(list[dict[str, object]], record.get("workers") or [])
    lines = [f"run {record['id']}: {record['bodies_left']} bodies left, {len(workers)} workers"]
    for worker in workers:
        state = f"stopped: {worker['stop_reason']}" if worker["stopped_at"] else "working"
        lines.append(
            f"  {worker['hostname']} pid {worker['pid']}  heartbeat "
            f"{str(worker['heartbeat_at'])[:19]}  settled {worker['bodies_settled']}  {state}"
        )
    return lines


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
            records = [run_record(run, session) for run in list_runs(session)]
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
    for record in records:
        if "workers" in record:
            click.echo("\n".join(["", *_worker_lines(record)]))
