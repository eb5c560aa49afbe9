"""Revision 0007 gives closed runs their span as crawl time and goes down without a trace."""

from __future__ import annotations

from sqlalchemy import inspect, text

from db.migrate import downgrade, upgrade
from db.session import make_engine

BEFORE = "0006"


def test_closed_runs_get_their_span_and_the_columns_go_down_again(any_db_url: str) -> None:
    upgrade(any_db_url, BEFORE)
    engine = make_engine(any_db_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO crawl_runs (id, started_at, finished_at, status, settings, "
                "code_version) VALUES (1, :started, :finished, 'finished', '{}', 'test'), "
                "(2, :started, NULL, 'running', '{}', 'test')"
            ),
            {"started": "2026-12-01 03:00:00+00:00", "finished": "2026-12-01 03:01:30+00:00"},
        )
    upgrade(any_db_url)
    with engine.connect() as connection:
        spans = connection.execute(
            text("SELECT id, crawl_seconds, resumed_at FROM crawl_runs ORDER BY id")
        ).all()
    assert [tuple(row) for row in spans] == [(1, 90.0, None), (2, 0.0, None)]
    downgrade(any_db_url, BEFORE)
    columns = {column["name"] for column in inspect(engine).get_columns("crawl_runs")}
    assert not {"crawl_seconds", "resumed_at"} & columns
    engine.dispose()
