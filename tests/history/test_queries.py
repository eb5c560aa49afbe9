"""Every query of docs/queries.md runs on SQLite and PostgreSQL and answers as expected."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Scenario
from .queries import documented_queries, run_documented_queries

EXPECTED = Path(__file__).with_name("queries.expected.json")


def test_the_guide_has_at_least_ten_questions() -> None:
    assert len(documented_queries()) >= 10


def test_documented_queries_answer_the_scenario(scenario: Scenario) -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert run_documented_queries(scenario.url) == expected


def test_every_documented_query_finds_something_in_the_scenario() -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert [index + 1 for index, rows in enumerate(expected) if not rows] == []
