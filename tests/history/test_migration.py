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


def test_findings_from_before_analyses_belong_to_their_runs_crawl_analysis(
    migrated_url: str,
) -> None:
    migrate.downgrade(migrated_url, "0007")
    engine = make_engine(migrated_url)
    with engine.begin() as connection:
        for statement in (
            "INSERT INTO bodies (id, name, attributes, created_at, updated_at) "
            "VALUES ('b1', 'Aach', '{}', '2026-01-01', '2026-01-01')",
            "INSERT INTO crawl_runs (id, started_at, status, settings, code_version) "
            "VALUES (1, '2026-01-01 00:00:00+00:00', 'finished', '{}', 'old')",
            "INSERT INTO pages (id, run_id, body_id, url, depth, fetched_at) "
            "VALUES (1, 1, 'b1', 'https://aach.de/', 0, '2026-01-01')",
            "INSERT INTO body_visits (run_id, body_id, seed_url, reachable, outcome, "
            "pages_fetched, finished_at) VALUES (1, 'b1', 'https://aach.de/', true, 'ok', 1, "
            "'2026-01-01 00:00:00+00:00')",
            "INSERT INTO tracker_sightings (run_id, body_id, page_id, tracker_id, name, vendor, "
            "vendor_country, category, third_country, ids, consent_gated, element, evidence, "
            "rule) VALUES (1, 'b1', 1, 'matomo', 'Matomo', 'm', 'DE', 'analytics', false, '[]', "
            "false, 'script', 'x', 'r')",
        ):
            connection.execute(text(statement))
    migrate.upgrade(migrated_url)
    with engine.begin() as connection:
        analyses = connection.execute(
            text("SELECT id, run_id, kind, catalogue_version, code_version FROM analyses")
        ).all()
        assert [tuple(row) for row in analyses] == [(1, 1, "crawl", "unrecorded", "old")]
        current = connection.execute(
            text("SELECT tracker_id, analysis_id FROM current_tracker_sightings")
        ).all()
        assert [tuple(row) for row in current] == [("matomo", 1)]
        # A re-analysis; going back to 0007 keeps only the crawl's findings.
        connection.execute(
            text(
                "INSERT INTO analyses (id, run_id, kind, catalogue_version, code_version, "
                "started_at, finished_at) VALUES (2, 1, 'reanalysis', 'v', 'new', "
                "'2026-02-01 00:00:00+00:00', '2026-02-01 00:00:00+00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO tracker_sightings (run_id, body_id, page_id, analysis_id, "
                "tracker_id, name, vendor, vendor_country, category, third_country, ids, "
                "consent_gated, element, evidence, rule) VALUES (1, 'b1', 1, 2, 'etracker', "
                "'e', 'e', 'DE', 'analytics', false, '[]', false, 'script', 'x', 'r')"
            )
        )
    with engine.connect() as connection:
        history = connection.execute(text("SELECT tracker_id FROM tracker_history")).all()
        assert [tuple(row) for row in history] == [("etracker",)]
    migrate.downgrade(migrated_url, "0007")
    with engine.connect() as connection:
        left = connection.execute(text("SELECT tracker_id FROM tracker_sightings")).all()
        assert [tuple(row) for row in left] == [("matomo",)]
        history = connection.execute(text("SELECT tracker_id FROM tracker_history")).all()
        assert [tuple(row) for row in history] == [("matomo",)]
    engine.dispose()
