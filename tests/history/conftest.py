"""Fixtures of the history tests: migrated databases on SQLite and PostgreSQL, and a scenario."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest

from db import migrate
from db.session import make_engine, make_sessionmaker
from tests.conftest import PostgresDatabases

from .factory import DatasetFactory


def new_database(backend: str, folder: Path, request: pytest.FixtureRequest) -> str:
    """The URL of a fresh, empty database on ``backend``."""
    if backend == "sqlite":
        return f"sqlite:///{folder / f'govsocial-{secrets.token_hex(4)}.sqlite'}"
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    return databases.create()


@dataclass(frozen=True)
class Scenario:
    """Run ids of the standard history scenario (see ``build_scenario``)."""

    url: str
    first: int
    second: int
    failed: int


def build_scenario(url: str) -> Scenario:
    """Two finished runs and a failed one over four bodies.

    Run 1 (2023-05-01): München has Facebook, Instagram, Google Analytics and the Meta
    (Facebook) pixel; Aach has Facebook and Matomo; Dessau has X; Halle is unreachable.
    Run 2 (2024-03-01): München dropped Instagram and the pixel and added Mastodon; Aach is
    down (an outage); Dessau added YouTube and Matomo; Halle is back with Facebook.
    Run 3 (2024-06-01) failed after München showed TikTok: failed runs are not history.
    """
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        make = DatasetFactory(session)
        muenchen = make.body("09162000", "München", kind="Kreisfreie Stadt")
        aach = make.body("09179111", "Aach")
        dessau = make.body("15001000", "Dessau-Roßlau", state="Sachsen-Anhalt")
        halle = make.body("15002000", "Halle (Saale)", state="Sachsen-Anhalt")

        first = make.run("2023-05-01")
        for body in (muenchen, aach, dessau):
            make.visit(first, body)
        make.visit(first, halle, reachable=False)
        make.account(first, muenchen, "facebook", "muenchen")
        make.account(first, muenchen, "instagram", "muenchen")
        make.tracker(first, muenchen, "google-analytics", ("G-ABC123",))
        make.tracker(first, muenchen, "facebook-pixel", ("123456789",))
        make.account(first, aach, "facebook", "gemeindeaach")
        make.tracker(first, aach, "matomo")
        make.account(first, dessau, "x", "dessau")

        second = make.run("2024-03-01")
        for body in (muenchen, dessau, halle):
            make.visit(second, body)
        make.visit(second, aach, reachable=False)
        news = make.page(second, muenchen, "https://www.09162000.example/aktuelles", "=1+2 News")
        make.account(second, muenchen, "facebook", "muenchen")
        make.account(second, muenchen, "facebook", "muenchen", page=news)
        make.account(second, muenchen, "mastodon", "muenchen@social.bund.de")
        make.account(second, muenchen, "facebook", "sharer", link_kind="share")
        make.tracker(second, muenchen, "google-analytics", ("G-ABC123",))
        make.account(second, dessau, "x", "dessau")
        make.account(second, dessau, "youtube", "dessau")
        make.tracker(second, dessau, "matomo")
        make.account(second, halle, "facebook", "halle")

        failed = make.run("2024-06-01", status="failed")
        make.visit(failed, muenchen)
        make.account(failed, muenchen, "tiktok", "muenchen")
        session.commit()
        ids = Scenario(url, first.id, second.id, failed.id)
    engine.dispose()
    return ids


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest) -> str:
    """Each test using a database runs on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def migrated_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database migrated to head, for tests that write."""
    url = new_database(backend, tmp_path, request)
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def scenario(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Scenario:
    """The standard history scenario, built once per backend; tests only read it."""
    url = new_database(backend, tmp_path_factory.mktemp("scenario"), request)
    migrate.upgrade(url)
    return build_scenario(url)
