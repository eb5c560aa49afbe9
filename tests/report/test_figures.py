"""Every number the report shows per Land and per kind equals the same SQL over the views."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import text

from db.session import make_engine
from tests.history.cli import invoke
from tests.history.conftest import Scenario

from .conftest import ReportPage

# (metric, SQL giving (group, count) per run) over the views, the group being the Land or kind.
COUNTS = {
    "listed": "SELECT {g}, SUM(bodies_listed) FROM run_coverage WHERE run_id = :run GROUP BY {g}",
    "with_website": "SELECT {g}, SUM(bodies_with_website) FROM run_coverage "
    "WHERE run_id = :run GROUP BY {g}",
    "reached": "SELECT {g}, SUM(bodies_reachable) FROM run_summary "
    "WHERE run_id = :run GROUP BY {g}",
    "with_account": "SELECT {g}, SUM(bodies_with_account) FROM run_summary "
    "WHERE run_id = :run GROUP BY {g}",
    "with_tracker": "SELECT {g}, SUM(bodies_with_tracker) FROM run_summary "
    "WHERE run_id = :run GROUP BY {g}",
}
CRAWLED = "SELECT {g}, SUM(bodies_crawled) FROM run_summary WHERE run_id = :run GROUP BY {g}"
PLATFORM = (
    "SELECT {g}, SUM(bodies) FROM run_platform_summary WHERE run_id = :run AND platform = :key "
    "GROUP BY {g}"
)
CATEGORY = (
    "SELECT b.{g}, COUNT(DISTINCT t.body_id) FROM tracker_sightings t "
    "JOIN bodies b ON b.id = t.body_id WHERE t.run_id = :run AND t.category = :key GROUP BY b.{g}"
)
RENDERED = (
    "SELECT b.{g}, COUNT(*), COUNT(CASE WHEN s.contacts_{key} THEN 1 END) "
    "FROM rendered_body_state s JOIN bodies b ON b.id = s.body_id WHERE s.run_id = :run "
    "GROUP BY b.{g}"
)


def _sql(url: str, sql: str, **values: object) -> dict[str, tuple[int, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(sql), values).all()
    finally:
        engine.dispose()
    return {row[0] or "": tuple(int(value or 0) for value in row[1:]) for row in rows}


def _expected(url: str, run: int, group: str, metrics: set[str]) -> dict[tuple[str, str], tuple]:
    """The same figures straight from SQL: (group, metric) -> (count, denominator)."""
    reached = {key: value[0] for key, value in _sql(url, COUNTS["reached"].format(g=group),
                                                    run=run).items()}  # fmt: skip
    expected: dict[tuple[str, str], tuple] = {}
    for metric in metrics:
        kind, _, key = metric.partition(":")
        if metric in COUNTS:
            rows = _sql(url, COUNTS[metric].format(g=group), run=run)
            if metric in ("listed", "with_website") and not rows:
                # A run from before run_bodies lists the bodies it crawled.
                rows = _sql(url, CRAWLED.format(g=group), run=run)
            of = None if metric in ("listed", "with_website", "reached") else reached
            for name in reached:
                count = rows.get(name, (0,))[0]
                expected[name, metric] = (count, of[name] if of is not None else None)
        elif kind in ("platform", "category"):
            rows = _sql(url, (PLATFORM if kind == "platform" else CATEGORY).format(g=group),
                        run=run, key=key)  # fmt: skip
            for name, of_reached in reached.items():
                expected[name, metric] = (rows.get(name, (0,))[0], of_reached)
        else:
            rows = _sql(url, RENDERED.format(g=group, key=key), run=run)
            for name in reached:
                rendered, contacting = rows.get(name, (0, 0))
                expected[name, metric] = (contacting, rendered)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (_, metric), (count, of) in expected.items():
        totals[metric][0] += count
        totals[metric][1] += of or 0
    for metric, (count, of) in totals.items():
        expected["<total>", metric] = (count, of if expected[next(iter(reached)), metric][1]
                                       is not None else None)  # fmt: skip
    return expected


@pytest.mark.parametrize(("table", "group"), [("by-land", "state"), ("by-kind", "kind")])
@pytest.mark.parametrize("run", ["first", "second"])
def test_every_figure_per_land_and_kind_equals_sql_over_the_views(
    scenario: Scenario, tmp_path: Path, table: str, group: str, run: str
) -> None:
    run_id = getattr(scenario, run)
    out = tmp_path / "report"
    result = invoke(scenario.url, "report", "--run", str(run_id), "-o", str(out))
    assert result.exit_code == 0, result.output
    shown = ReportPage(out).cells(table)
    metrics = {metric for _, metric in shown}
    assert {"listed", "reached", "with_account", "platform:facebook", "contacts:meta"} <= metrics
    assert shown == _expected(scenario.url, run_id, group, metrics)


def test_the_maps_shares_per_land_equal_sql_over_the_views(
    scenario: Scenario, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    invoke(scenario.url, "report", "-o", str(out))
    data = ReportPage(out).map_data()
    assert {"platform:facebook", "category:analytics", "contacts:meta"} <= set(data)
    expected = _expected(scenario.url, scenario.second, "state", set(data))
    for metric, shown in data.items():
        for land, (count, of) in shown["shares"].items():
            assert (count, of) == expected[land, metric], (metric, land)


def test_shares_are_over_the_bodies_reached_and_say_so(scenario: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "report"
    invoke(scenario.url, "report", "--lang", "en", "-o", str(out))
    page = ReportPage(out)
    # Run 2: Bayern lists München and Aach, Aach is down; München links Facebook.
    assert page.cells("by-land")["Bayern", "platform:facebook"] == (1, 1)
    assert page.cells("by-land")["Bayern", "listed"] == (2, None)
    assert "Shares are always of the bodies whose website this run reached" in page.html
    assert "100.0% (1 of 1)" in page.html
