"""The closing summary of a crawl, shared by ``crawl`` and ``demo``."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from db.models import BodyVisit, CrawlRun
from db.queries import crawled_seconds
from db.session import describe, make_engine, make_sessionmaker


def outcome_counts(db_url: str, run_id: int) -> list[tuple[str, int]]:
    """How many bodies ended with each outcome in a run, most frequent first."""
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as session:
            rows = session.execute(
                select(BodyVisit.outcome, func.count())
                .where(BodyVisit.run_id == run_id)
                .group_by(BodyVisit.outcome)
                .order_by(func.count().desc(), BodyVisit.outcome)
            )
            return [(outcome, count) for outcome, count in rows]
    finally:
        engine.dispose()


def _duration(run: CrawlRun) -> str:
    """How long the run crawled, all its starts together (idle time before a resume left out)."""
    return f" in {crawled_seconds(run):.1f} s" if run.finished_at else ""


def summary_line(run: CrawlRun, db_url: str) -> str:
    """The whole summary in one line, for ``--quiet`` runs that cron mails."""
    outcomes = outcome_counts(db_url, run.id)
    unreachable = ", ".join(f"{name} {count}" for name, count in outcomes if name != "ok")
    parts = [
        f"run {run.id}: {run.status}{_duration(run)}",
        f"bodies {run.bodies_done}/{run.bodies_total} done, {run.bodies_reachable} reachable"
        + (f" ({unreachable})" if unreachable else ""),
        f"pages {run.pages_fetched} fetched, {run.errors} failed requests",
    ]
    if run.render_mode != "none":
        parts.append(f"rendered {run.pages_rendered} pages")
    parts.append(f"findings {run.accounts_found} account links, {run.trackers_found} trackers")
    if run.message:
        parts.append(f"note: {run.message}")
    parts.append(f"database {describe(db_url)}")
    return "; ".join(parts)


def print_summary(run: CrawlRun, db_url: str, one_line: bool = False) -> None:
    """Print what a run did and where its data is (in one line when ``one_line``)."""
    if one_line:
        click.echo(summary_line(run, db_url))
        return
    click.echo(f"run {run.id}: {run.status}{_duration(run)}")
    click.echo(
        f"  bodies   {run.bodies_done}/{run.bodies_total} done, {run.bodies_reachable} reachable"
    )
    click.echo(f"  pages    {run.pages_fetched} fetched, {run.errors} failed requests")
    if run.render_mode != "none":
        mode = run.render_mode
        click.echo(f"  rendered {run.pages_rendered} pages in Chromium (--render {mode})")
    click.echo(f"  findings {run.accounts_found} account links, {run.trackers_found} trackers")
    outcomes = outcome_counts(db_url, run.id)
    if outcomes:
        click.echo("  outcomes " + ", ".join(f"{name} {count}" for name, count in outcomes))
    if run.message:
        click.echo(f"  note     {run.message}")
    click.echo(f"  database {describe(db_url)}")
