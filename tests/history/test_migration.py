"""The revisions with views (0002, 0005) create and drop them cleanly and leave no drift."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from db import migrate
from db.history import VENDOR_DOMAINS, VIEWS_METADATA
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


def test_views_contact_the_vendors_by_the_documented_domains(migrated_url: str) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(migrated_url))
    revision = script.get_revision("0005")
    assert revision is not None
    assert revision.module.VENDOR_DOMAINS == VENDOR_DOMAINS


def test_runs_from_before_the_rendered_tier_rendered_nothing(migrated_url: str) -> None:
    migrate.downgrade(migrated_url, "0004")
    engine = make_engine(migrated_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO crawl_runs (started_at, status, settings, code_version) "
                "VALUES ('2026-01-01 00:00:00+00:00', 'finished', '{}', 'old')"
            )
        )
    migrate.upgrade(migrated_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT render_mode, pages_rendered FROM crawl_runs"))
        assert [tuple(row) for row in rows] == [("none", 0)]
    engine.dispose()
