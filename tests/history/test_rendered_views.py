"""The rendered-tier views on the standard scenario, whose renders went through the writer."""

from __future__ import annotations

from sqlalchemy import select

from crawler.cli.summary import rendered_line
from db.history import latest_rendered_state, rendered_body_state, run_state_render_summary
from db.models import CrawlRun
from db.session import make_engine, make_sessionmaker

from .conftest import Scenario
from .queries import view_rows

MUENCHEN, AACH, DESSAU, HALLE = "09162000", "09179111", "15001000", "15002000"


def test_rendered_body_state_sums_each_bodys_successful_renders(scenario: Scenario) -> None:
    view = rendered_body_state.c
    rows = view_rows(scenario.url, select(view).order_by(view.run_id, view.body_id))
    first, second, failed = scenario.first, scenario.second, scenario.failed
    # run, body, pages, requests, third-party requests / hosts / cookies, trackers requested,
    # gated yet requested, contacts Meta, Google, X
    assert rows == [
        (first, AACH, 1, 2, 1, 1, 0, 0, 0, False, False, True),
        (second, MUENCHEN, 1, 4, 3, 3, 1, 2, 1, True, True, False),
        (second, DESSAU, 1, 3, 1, 1, 0, 1, 0, False, True, False),
        (second, HALLE, 1, 2, 2, 2, 0, 0, 0, True, False, False),
        (failed, MUENCHEN, 1, 1, 1, 1, 0, 0, 0, False, False, True),
    ]


def test_latest_rendered_state_takes_each_bodys_latest_finished_rendering_run(
    scenario: Scenario,
) -> None:
    view = latest_rendered_state.c
    rows = view_rows(
        scenario.url,
        select(
            view.body_id,
            view.state,
            view.run_id,
            view.third_party_cookies,
            view.trackers_gated_yet_requested,
            view.contacts_meta,
            view.contacts_x,
        ).order_by(view.body_id),
    )
    first, second = scenario.first, scenario.second
    assert rows == [
        (MUENCHEN, "Bayern", second, 1, 1, True, False),
        (AACH, "Bayern", first, 0, 0, False, True),
        (DESSAU, "Sachsen-Anhalt", second, 0, 0, False, False),
        (HALLE, "Sachsen-Anhalt", second, 0, 0, True, False),
    ]


def test_run_state_render_summary_shares_are_of_the_rendered_bodies(scenario: Scenario) -> None:
    view = run_state_render_summary.c
    rows = view_rows(
        scenario.url,
        select(view).where(view.run_id == scenario.second).order_by(view.state),
    )
    second = scenario.second
    # rendered; Meta, Google, X and third-party cookies, each as bodies and percent
    assert rows == [
        (second, "Bayern", 1, 1, 100.0, 1, 100.0, 0, 0.0, 1, 100.0),
        (second, "Sachsen-Anhalt", 2, 1, 50.0, 1, 50.0, 0, 0.0, 0, 0.0),
    ]


def test_the_closing_summary_counts_the_runs_rendered_bodies(scenario: Scenario) -> None:
    engine = make_engine(scenario.url)
    try:
        with make_sessionmaker(engine)() as session:
            run = session.get(CrawlRun, scenario.second)
            assert run is not None
            line = rendered_line(session, run)
            pages = run.pages_rendered
    finally:
        engine.dispose()
    assert line == (
        f"rendered 3 bodies ({pages} pages, --render {run.render_mode}); before consent "
        "2 contacted Meta, 2 Google, 0 X, 1 set third-party cookies"
    )
