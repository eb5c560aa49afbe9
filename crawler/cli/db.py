"""``govsocial db``: schema migrations."""

from __future__ import annotations

import click

from crawler.cli.options import db_option, resolve_database
from db import migrate
from db.session import describe, make_engine


@click.group()
def db() -> None:
    """Manage the database schema (Alembic migrations)."""


@db.command()
@db_option
def upgrade(db_url: str | None) -> None:
    """Migrate the database to the newest schema."""
    url = resolve_database(db_url)
    migrate.upgrade(url)
    click.echo(f"{describe(url)} is at revision {migrate.head_revision(url)}")


@db.command()
@db_option
@click.argument("revision")
def downgrade(db_url: str | None, revision: str) -> None:
    """Migrate the database down to REVISION (base empties it)."""
    url = resolve_database(db_url)
    migrate.downgrade(url, revision)
    click.echo(f"{describe(url)} downgraded to {revision}")


@db.command()
@db_option
def current(db_url: str | None) -> None:
    """Show the database's schema revision."""
    url = resolve_database(db_url)
    engine = make_engine(url)
    try:
        revision = migrate.current_revision(engine)
    finally:
        engine.dispose()
    head = migrate.head_revision(url)
    state = "up to date" if revision == head else f"behind (newest is {head})"
    click.echo(f"{describe(url)}: revision {revision or 'none'}, {state}")
