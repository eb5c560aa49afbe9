"""``govsocial diff``: accounts and trackers added and removed between two runs."""

from __future__ import annotations

import json

import click

from crawler.cli.export import output_stream, write_stream
from crawler.cli.options import analysis_option, db_option, export_lang_option, resolve_database
from db.analyses import AnalysisNotFound, choose_analyses
from db.diff import AccountChange, RunDiff, TrackerChange, diff_runs
from db.exportlang import in_language
from db.history import DatasetMissing, read_session
from db.queries import RunNotFound, resolve_run


def _account_line(sign: str, change: AccountChange) -> str:
    return f"  {sign} {change.body_id} {change.body_name}: {change.platform} {change.handle}"


def _tracker_line(sign: str, change: TrackerChange) -> str:
    return f"  {sign} {change.body_id} {change.body_name}: {change.tracker} ({change.name})"


def render_text(diff: RunDiff) -> str:
    """The human-readable diff: a header, then added (+) and removed (-) lines per section."""
    lines = [
        f"run {diff.run_a.id} ({diff.run_a.started_at:%Y-%m-%d}) -> "
        f"run {diff.run_b.id} ({diff.run_b.started_at:%Y-%m-%d}): "
        f"{diff.bodies_compared} bodies compared, {len(diff.bodies_skipped)} skipped "
        "(not reachable in both runs)",
        f"accounts: {len(diff.accounts_added)} added, {len(diff.accounts_removed)} removed",
        *(_account_line("+", change) for change in diff.accounts_added),
        *(_account_line("-", change) for change in diff.accounts_removed),
        f"trackers: {len(diff.trackers_added)} added, {len(diff.trackers_removed)} removed",
        *(_tracker_line("+", change) for change in diff.trackers_added),
        *(_tracker_line("-", change) for change in diff.trackers_removed),
    ]
    return "\n".join(lines) + "\n"


@click.command("diff")
@click.argument("run_a", metavar="RUN_A")
@click.argument("run_b", metavar="RUN_B")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json", "csv")),
    default="text",
    show_default=True,
    help="Readable text, one JSON document, or one CSV row per change.",
)
@click.option(
    "--excel",
    is_flag=True,
    help="One CSV row per change, as German Excel opens it: byte-order mark and ';'.",
)
@export_lang_option
@analysis_option
@db_option
def diff_command(
    run_a: str,
    run_b: str,
    output_format: str,
    excel: bool,
    lang: str,
    analysis_ids: tuple[int, ...],
    db_url: str | None,
) -> None:
    """Accounts and trackers added and removed per body from RUN_A to RUN_B (ids or 'latest').

    Bodies whose site was unreachable in either run are left out: an outage is not a removal.
    """
    if excel and output_format == "json":
        raise click.UsageError("--excel writes CSV, not JSON")
    if excel:
        output_format = "csv"
    try:
        with read_session(resolve_database(db_url)) as session:
            choice = choose_analyses(session, analysis_ids)
            diff = diff_runs(
                session, resolve_run(session, run_a), resolve_run(session, run_b), choice
            )
    except (RunNotFound, DatasetMissing, AnalysisNotFound) as error:
        raise click.ClickException(str(error)) from error
    if output_format == "csv":
        write_stream(in_language(diff.to_rows(), lang), None, "csv", excel, lang)
        return
    with output_stream(None) as out:
        if output_format == "json":
            out.write(json.dumps(diff.to_json(), ensure_ascii=False, indent=2) + "\n")
        else:
            out.write(render_text(diff))
