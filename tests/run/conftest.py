"""Run fixtures: sessions on a migrated database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.migrate import ensure_current
from db.session import make_engine, make_sessionmaker


@pytest.fixture
def sessions(any_db_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on a migrated database, SQLite and PostgreSQL."""
    engine = make_engine(any_db_url)
    ensure_current(engine, any_db_url)
    yield make_sessionmaker(engine)
    engine.dispose()
