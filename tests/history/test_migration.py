"""Revision 0002 creates and drops the views cleanly and leaves no drift against the models."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from db import migrate
from db.history import VIEWS_METADATA
from db.session import make_engine


def _view_names(url: str) -> set[str]:
    engine = make_engine(url)
    names = set(inspect(engine).get_view_names())
    engine.dispose()
    return names


def test_downgrade_drops_every_view_and_upgrade_restores_them(migrated_url: str) -> None:
    migrate.downgrade(migrated_url, "0001")
    assert _view_names(migrated_url) == set()
    migrate.upgrade(migrated_url)
    assert _view_names(migrated_url) == set(VIEWS_METADATA.tables)


def test_models_and_migrations_do_not_drift(migrated_url: str) -> None:
    command.check(migrate.alembic_config(migrated_url))
