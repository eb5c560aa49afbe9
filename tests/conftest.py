"""Shared fixtures: the read-only ../shared material and the real services of the machine."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("GOVSOCIAL_SHARED", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (real pages, seeds, registries); tests that need it skip where it is absent."""
    if not (SHARED_DIR / "corpus").is_dir():
        pytest.skip(f"shared material not found at {SHARED_DIR} (set GOVSOCIAL_SHARED)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL URL from $GOVSOCIAL_TEST_POSTGRES_URL; skips where unset."""
    url = os.environ.get("GOVSOCIAL_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("GOVSOCIAL_TEST_POSTGRES_URL is not set")
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis URL from $GOVSOCIAL_TEST_REDIS_URL; skips where unset."""
    url = os.environ.get("GOVSOCIAL_TEST_REDIS_URL")
    if not url:
        pytest.skip("GOVSOCIAL_TEST_REDIS_URL is not set")
    return url


@pytest.fixture
def postgres_database(postgres_url: str) -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database, dropped afterwards."""
    name = f"govsocial_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database file in the test's temporary folder."""
    return f"sqlite:///{tmp_path / 'govsocial.sqlite'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs on SQLite and on PostgreSQL (skipped when unset)."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_database"))
