"""Options shared by several commands."""

from __future__ import annotations

import click

db_option = click.option(
    "--db",
    "db_url",
    envvar="GOVSOCIAL_DB",
    default=None,
    metavar="URL",
    help="SQLAlchemy database URL (default: $GOVSOCIAL_DB, else sqlite:///data/govsocial.sqlite).",
)
