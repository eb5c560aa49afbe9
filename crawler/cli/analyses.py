"""``govsocial analyses``: the analyses of a run, and which one the views read."""

from __future__ import annotations

import click

from crawler.cli.options import db_option, resolve_database
from db.analyses import AnalysisChoice, run_analyses
from db.history import DatasetMissing, read_session
from db.queries import RunNotFound, resolve_run


@click.command("analyses")
@click.argument("run_selector", metavar="RUN", default="latest")
@db_option
def analyses(run_selector: str, db_url: str | None) -> None:
    """List the analyses of RUN (an id or 'latest'): the crawl's own and each re-analysis,
    with its catalogue version; '*' marks the one views, exports and diff read by default."""
    try:
        with read_session(resolve_database(db_url)) as session:
            run = resolve_run(session, run_selector)
            current = AnalysisChoice().analysis_of(session, run.id)
            rows = [
                (
                    ("* " if current is not None and analysis.id == current.id else "  ")
                    + str(analysis.id),
                    analysis.kind,
                    analysis.catalogue_version[:12],
                    analysis.code_version,
                    f"{analysis.started_at:%Y-%m-%d %H:%M:%S}",
                    f"{analysis.finished_at:%Y-%m-%d %H:%M:%S}" if analysis.finished_at else "",
                    str(analysis.pages_analysed),
                )
                for analysis in run_analyses(session, run.id)
            ]
    except (RunNotFound, DatasetMissing) as error:
        raise click.ClickException(str(error)) from None
    header = ("  id", "kind", "catalogue", "code", "started", "finished", "pages")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    click.echo(f"run {run.id}, archive: {run.archive_dir or 'none'}")
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
