"""``govsocial evidence``: where a finding comes from, down to the archived HTML around it."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urlsplit

import click

from crawler.cli.options import db_option, resolve_database

CONTEXT = 240  # characters shown either side of the match


def _account(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    platform, sep, handle = value.partition(":")
    if not sep or not platform or not handle:
        raise click.BadParameter("expected PLATFORM:HANDLE, e.g. facebook:stadtbeispiel")
    return platform, handle


def _needles(value: str) -> list[str]:
    """Forms the matched value may take in the source: as found, escaped, relative."""
    parts = urlsplit(value)
    relative = parts.path + (f"?{parts.query}" if parts.query else "")
    forms = [value, html.escape(value), value.split("://", 1)[-1], relative, parts.path]
    return [form for form in dict.fromkeys(forms) if len(form) > 3]


def around(text: str, value: str) -> str | None:
    """The source around the first occurrence of ``value`` (in any of its forms), or None."""
    for needle in _needles(value):
        at = text.find(needle)
        if at >= 0:
            start, end = max(0, at - CONTEXT), at + len(needle) + CONTEXT
            snippet = text[start:at] + ">>>" + needle + "<<<" + text[at + len(needle) : end]
            return re.sub(r"\s*\n\s*", "\n    ", snippet.strip())
    return None


@click.command("evidence")
@click.argument("body_id", metavar="BODY")
@click.option("--run", "run_id", type=click.IntRange(1), help="The run (default: the newest "
              "that archived a page of the body).")  # fmt: skip
@click.option("--tracker", help="A tracker id from the catalogue, e.g. facebook-pixel.")
@click.option("--account", help="An account as PLATFORM:HANDLE, e.g. facebook:stadtbeispiel.")
@click.option(
    "--analysis",
    "analysis_id",
    type=click.IntRange(1),
    help="Read this analysis of the run (default: its newest).",
)
@click.option(
    "--extract",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write each archived page found to DIR, as HTML that a browser opens.",
)
@db_option
def evidence(
    body_id: str,
    run_id: int | None,
    tracker: str | None,
    account: str | None,
    analysis_id: int | None,
    extract: Path | None,
    db_url: str | None,
) -> None:
    """Where BODY's findings come from: each page, when it was fetched, its WARC file and
    record, and the archived HTML around the match."""
    from crawler.archive.reader import ArchiveUnreadable, read_record  # noqa: PLC0415
    from crawler.run.reanalyse import archived_response  # noqa: PLC0415
    from db.analyses import AnalysisNotFound, choose_analyses  # noqa: PLC0415
    from db.evidence import EvidenceNotFound, evidence_run, sightings  # noqa: PLC0415
    from db.history import DatasetMissing, read_session  # noqa: PLC0415

    if tracker and account:
        raise click.UsageError("give --tracker or --account, not both")
    wanted = _account(account)
    try:
        with read_session(resolve_database(db_url)) as session:
            run = evidence_run(session, body_id, run_id)
            choice = choose_analyses(session, [analysis_id] if analysis_id else [])
            found = sightings(session, body_id, run, tracker=tracker, account=wanted, choice=choice)
    except (EvidenceNotFound, AnalysisNotFound, DatasetMissing) as error:
        raise click.ClickException(str(error)) from None
    if not found:
        asked = f"tracker {tracker}" if tracker else f"account {account}" if account else "finding"
        raise click.ClickException(f"no {asked} of body {body_id} in run {run}")
    for sighting in found:
        click.echo(f"{sighting.what} on {sighting.page_url}")
        click.echo(
            f"  run {sighting.run_id}, analysis {sighting.analysis_id}, fetched "
            f"{sighting.fetched_at:%Y-%m-%d %H:%M:%S} UTC"
        )
        where = " ".join(filter(None, (sighting.element, sighting.attribute)))
        click.echo(f"  matched: <{where}> {sighting.evidence[:200]}  (rule: {sighting.rule})")
        if not (sighting.archive_dir and sighting.warc_file and sighting.warc_offset is not None):
            click.echo("  archive: none (the run was crawled without --archive)\n")
            continue
        path = Path(sighting.archive_dir) / sighting.warc_file
        click.echo(f"  archive: {path} at offset {sighting.warc_offset}")
        click.echo(f"  record: {sighting.warc_record_id}")
        try:
            record = read_record(path, sighting.warc_offset)
        except ArchiveUnreadable as error:
            click.echo(f"  the archived page cannot be read: {error}\n")
            continue
        response = archived_response(record, sighting.page_url)
        text = getattr(response, "text", record.decoded.decode("utf-8", "replace"))
        context = around(text, sighting.evidence)
        click.echo("  html:\n    " + (context or "(the matched value is not in the page's "
                                      "source verbatim: it was resolved or decoded)"))  # fmt: skip
        if extract is not None:
            extract.mkdir(parents=True, exist_ok=True)
            target = extract / f"{body_id}-run{sighting.run_id}-page{sighting.page_id}.html"
            target.write_bytes(record.decoded)
            click.echo(f"  extracted to {target}")
        click.echo()
