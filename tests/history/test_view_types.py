"""The view tables of db/history.py read timestamps back as the models do: aware, in UTC."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.history import (
    account_history,
    latest_body_state,
    latest_rendered_state,
    tracker_history,
)
from db.session import make_engine

from .conftest import Scenario


def test_view_timestamps_read_back_timezone_aware(scenario: Scenario) -> None:
    statements = (
        select(account_history.c.first_seen_at, account_history.c.last_seen_at),
        select(tracker_history.c.first_seen_at, tracker_history.c.last_seen_at),
        select(latest_body_state.c.observed_at),
        select(latest_rendered_state.c.observed_at),
    )
    engine = make_engine(scenario.url)
    with engine.connect() as connection:
        offsets = {
            moment.utcoffset()
            for statement in statements
            for row in connection.execute(statement)
            for moment in row
        }
    engine.dispose()
    assert offsets == {timedelta(0)}
