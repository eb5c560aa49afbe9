"""The closing summary of a crawl, shared by ``crawl`` and ``demo``."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from db.history import rendered_body_state
from db.models import BodyVisit, CrawlRun
from db.queries import crawled_seconds
from db.session import describe, make_engine, make_sessionmaker


def outcome_counts(session: Session, run_id: int) -> list[tuple[str, int]]:
    """How many bodies ended with each outcome in a run, most frequent first."""
    rows = session.execute(
        select(BodyVisit.outcome, func.count())
        .where(BodyVisit.run_id == run_id)
        .group_by(BodyVisit.outcome)
        .order_by(func.count().desc(), BodyVisit.outcome)
    )
    return [(outcome, count) for outcome, count in rows]


def _count_true(condition: ColumnElement[Any]) -> ColumnElement[int]:
    """How many rows meet ``condition`` (on SQLite and PostgreSQL alike)."""
    return func.count(case((condition, 1)))


def rendered_line(session: Session, run: CrawlRun) -> str:
    """The run's rendered bodies and pages, and how many bodies contacted Meta, Google or X or
    set third-party cookies before consent."""
    state = rendered_body_state.c
    bodies, meta, google, x, cookies = session.execute(
        select(
            func.count(),
            _count_true(state.contacts_meta),
            _count_true(state.contacts_google),
            _count_true(state.contacts_x),
            _count_true(state.third_party_cookies > 0),
        ).where(state.run_id == run.id)
    ).one()
    return (
        f"rendered {bodies} bodies ({run.pages_rendered} pages, --render {run.render_mode}); "
        f"before consent {meta} contacted Meta, {google} Google, {x} X, "
        f"{cookies} set third-party cookies"
    )


def _duration(run: CrawlRun) -> str:
    """How long the run crawled, all its starts together (idle time before a resume left out)."""
    return f" in {crawled_seconds(run):.1f} s" if run.finished_at else ""


def _outcomes(db_url: str, run_id: int) -> list[tuple[str, int]]:
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as session:
            return outcome_counts(session, run_id)
    finally:
        engine.dispose()


def summary_line(run: CrawlRun, db_url: str) -> str:
    """The whole summary in one line, for ``--quiet`` runs that cron mails."""
    outcomes = _outcomes(db_url, run.id)
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
    click.echo(f"  findings {run.accounts_found} account links, {run.trackers_found} trackers")
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as session:
            if run.render_mode != "none":
                click.echo(f"  {rendered_line(session, run)}")
            outcomes = outcome_counts(session, run.id)
    finally:
        engine.dispose()
    if outcomes:
        click.echo("  outcomes " + ", ".join(f"{name} {count}" for name, count in outcomes))
    if run.message:
        click.echo(f"  note     {run.message}")
    click.echo(f"  database {describe(db_url)}")
