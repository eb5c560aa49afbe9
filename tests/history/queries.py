"""Reads the SQL of docs/queries.md and runs it, with results comparable across databases."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Executable, text

from db.session import make_engine

QUERIES_DOC = Path(__file__).resolve().parents[2] / "docs" / "queries.md"
SQL_BLOCK = re.compile(r"^```sql\n(.*?)^```$", re.MULTILINE | re.DOTALL)
SQLITE_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def documented_queries() -> list[str]:
    """Every SQL block of docs/queries.md, in order."""
    return [block.strip().rstrip(";") for block in SQL_BLOCK.findall(QUERIES_DOC.read_text())]


def _comparable(value: Any) -> Any:
    """One value as both backends can agree on: numbers, UTC timestamps to the second, 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal | float):
        return round(float(value), 1)
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str) and SQLITE_TIMESTAMP.match(value):
        return value[:19]
    return value


def run_documented_queries(url: str) -> list[list[list[Any]]]:
    """The rows of every documented query on ``url``, made comparable."""
    engine = make_engine(url)
    with engine.connect() as connection:
        results = [
            [[_comparable(value) for value in row] for row in connection.execute(text(query))]
            for query in documented_queries()
        ]
    engine.dispose()
    return results


def view_rows(url: str, statement: Executable) -> list[tuple[Any, ...]]:
    """The rows of one query (a select from a view, say) on ``url``, as plain tuples."""
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(statement)]
    engine.dispose()
    return rows
