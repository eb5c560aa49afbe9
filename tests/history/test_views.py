"""The history views on the standard scenario: first/last seen, outages, latest state, summaries."""

from __future__ import annotations

from sqlalchemy import inspect, select

from db.history import (
    VIEWS_METADATA,
    account_history,
    latest_body_state,
    run_platform_summary,
    run_summary,
    run_tracker_summary,
    tracker_history,
)
from db.session import make_engine

from .conftest import Scenario
from .queries import view_rows


def test_every_described_view_exists_with_exactly_its_columns(scenario: Scenario) -> None:
    engine = make_engine(scenario.url)
    inspector = inspect(engine)
    actual = {
        name: [column["name"] for column in inspector.get_columns(name)]
        for name in inspector.get_view_names()
    }
    engine.dispose()
    described = {name: list(table.columns.keys()) for name, table in VIEWS_METADATA.tables.items()}
    assert actual == described


def test_account_history_separates_current_removed_and_not_observed(scenario: Scenario) -> None:
    view = account_history.c
    rows = view_rows(
        scenario.url,
        select(
            view.body_id,
            view.platform,
            view.handle,
            view.first_seen_run_id,
            view.last_seen_run_id,
            view.runs_seen,
            view.is_current,
            view.status,
        ).order_by(view.body_id, view.platform, view.handle),
    )
    first, second = scenario.first, scenario.second
    assert rows == [
        ("09162000", "facebook", "muenchen", first, second, 2, True, "current"),
        ("09162000", "instagram", "muenchen", first, first, 1, False, "removed"),
        ("09162000", "mastodon", "muenchen@social.bund.de", second, second, 1, True, "current"),
        ("09179111", "facebook", "gemeindeaach", first, first, 1, True, "not_observed"),
        ("15001000", "x", "dessau", first, second, 2, True, "current"),
        ("15001000", "youtube", "dessau", second, second, 1, True, "current"),
        ("15002000", "facebook", "halle", second, second, 1, True, "current"),
    ]


def test_account_history_dates_are_the_runs_start(scenario: Scenario) -> None:
    view = account_history.c
    [(first_seen, last_seen)] = view_rows(
        scenario.url,
        select(view.first_seen_at, view.last_seen_at).where(view.platform == "instagram"),
    )
    assert (first_seen.date().isoformat(), last_seen.date().isoformat()) == (
        "2023-05-01",
        "2023-05-01",
    )


def test_tracker_history_keeps_outage_findings_as_not_observed(scenario: Scenario) -> None:
    view = tracker_history.c
    rows = view_rows(
        scenario.url,
        select(view.body_id, view.tracker_id, view.is_current, view.status).order_by(
            view.body_id, view.tracker_id
        ),
    )
    assert rows == [
        ("09162000", "facebook-pixel", False, "removed"),
        ("09162000", "google-analytics", True, "current"),
        ("09179111", "matomo", True, "not_observed"),
        ("15001000", "matomo", True, "current"),
    ]


def test_latest_body_state_points_an_unreachable_body_at_its_last_good_run(
    scenario: Scenario,
) -> None:
    view = latest_body_state.c
    rows = view_rows(
        scenario.url,
        select(
            view.body_id,
            view.run_id,
            view.last_visit_run_id,
            view.reachable_in_last_visit,
            view.accounts,
            view.trackers,
        ).order_by(view.body_id),
    )
    first, second = scenario.first, scenario.second
    assert rows == [
        ("09162000", second, second, True, 2, 1),
        ("09179111", first, second, False, 1, 1),
        ("15001000", second, second, True, 2, 1),
        ("15002000", second, second, True, 1, 0),
    ]


def test_run_summary_counts_by_state_and_kind(scenario: Scenario) -> None:
    view = run_summary.c
    rows = view_rows(
        scenario.url,
        select(view).where(view.run_id == scenario.second).order_by(view.state, view.kind),
    )
    second = scenario.second
    assert rows == [
        (second, "Bayern", "gemeinde", 1, 0, 0, 0),
        (second, "Bayern", "kreisfreie_stadt", 1, 1, 1, 1),
        (second, "Sachsen-Anhalt", "gemeinde", 2, 2, 2, 1),
    ]


def test_run_platform_and_tracker_summaries(scenario: Scenario) -> None:
    platforms = run_platform_summary.c
    platform_rows = view_rows(
        scenario.url,
        select(platforms.state, platforms.platform, platforms.bodies, platforms.accounts)
        .where(platforms.run_id == scenario.second)
        .order_by(platforms.state, platforms.platform),
    )
    assert platform_rows == [
        ("Bayern", "facebook", 1, 1),
        ("Bayern", "mastodon", 1, 1),
        ("Sachsen-Anhalt", "facebook", 1, 1),
        ("Sachsen-Anhalt", "x", 1, 1),
        ("Sachsen-Anhalt", "youtube", 1, 1),
    ]
    trackers = run_tracker_summary.c
    tracker_rows = view_rows(
        scenario.url,
        select(trackers.tracker_id, trackers.bodies)
        .where(trackers.run_id == scenario.first)
        .order_by(trackers.tracker_id),
    )
    assert tracker_rows == [("facebook-pixel", 1), ("google-analytics", 1), ("matomo", 1)]
