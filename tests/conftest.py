"""Shared fixtures: the read-only ../shared material and the real services of the machine."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from crawler.render.config import find_chromium, playwright_installed

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("GOVSOCIAL_SHARED", REPO_ROOT.parent / "shared"))


@pytest.fixture(autouse=True)
def _private_default_database(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test writes the default database of the machine's user (under $XDG_DATA_HOME)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.getbasetemp() / "xdg-data"))


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


class PostgresDatabases:
    """Creates uniquely named PostgreSQL databases, so tests and parallel runs never collide."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.names: list[str] = []

    def create(self) -> str:
        """The URL of a new, empty database."""
        name = f"govsocial_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.names.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        """Drop one database made by ``create``."""
        name = make_url(url).database
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.names.remove(str(name))

    def drop_all(self) -> None:
        """Drop every database still left, and release the admin connection."""
        for name in list(self.names):
            self.drop(make_url(self.admin_url).set(database=name).render_as_string())
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases(postgres_url: str) -> Iterator[PostgresDatabases]:
    """Factory of throwaway PostgreSQL databases, all dropped at the end of the session."""
    databases = PostgresDatabases(postgres_url)
    try:
        yield databases
    finally:
        databases.drop_all()


@pytest.fixture
def postgres_database(postgres_databases: PostgresDatabases) -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database, dropped afterwards."""
    url = postgres_databases.create()
    try:
        yield url
    finally:
        postgres_databases.drop(url)


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


def _render_missing() -> str | None:
    if not playwright_installed():
        return "the render extra (scrapy-playwright, playwright) is not installed"
    if find_chromium(os.environ.get("GOVSOCIAL_CHROMIUM")) is None:
        return "no Chromium on PATH (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``render`` drive the real Chromium: they skip, with the reason, only where it
    or Playwright is absent and ``GOVSOCIAL_TEST_RENDER`` is unset (CI sets it, so there a
    missing browser fails them)."""
    reason = _render_missing()
    if reason is None or os.environ.get("GOVSOCIAL_TEST_RENDER"):
        return
    for item in items:
        if item.get_closest_marker("render") is not None:
            item.add_marker(pytest.mark.skip(reason=f"{reason}; GOVSOCIAL_TEST_RENDER is unset"))
