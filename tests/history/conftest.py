"""Fixtures of the history tests: migrated databases on SQLite and PostgreSQL, and a scenario."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.items import PageItem, RenderedRequest
from crawler.pipelines.writer import RunWriter
from db import migrate
from db.session import make_engine, make_sessionmaker
from tests.conftest import PostgresDatabases
from tests.renders import cookie, rendered_page, request, tracker

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
    Run 2 stored its seed list's bodies (run_bodies), as crawls do since revision 0004.
    Run 3 (2024-06-01) failed after München showed TikTok: failed runs are not history.

    Rendered pages (``rendered_scenario``), written through the run writer: in run 1 Aach's
    page requests X; in run 2 München's requests Meta and Google, holds a Google cookie (and
    refused a DoubleClick one) and loads the consent-gated Meta pixel anyway, Dessau's requests
    YouTube (no cookie) and Matomo, Halle has one failed render and one that requests a CDN and
    Meta; in the failed run 3 München's requests X.
    """
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        make = DatasetFactory(session)
        muenchen = make.body("09162000", "München", kind="kreisfreie_stadt")
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
        make.run_bodies(second, (muenchen, aach, dessau, halle))
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
    for run_id, pages in rendered_scenario(ids).items():
        writer = RunWriter(make_sessionmaker(engine), run_id)
        for page in pages:
            writer.add_page(page)
        writer.close()
    engine.dispose()
    return ids


def _page(body_id: str, path: str) -> str:
    return f"https://www.{body_id}.example/{path}"


def _document(body_id: str) -> RenderedRequest:
    """The request for the rendered page itself."""
    return request(_page(body_id, "datenschutz"), f"{body_id}.example", resource_type="document")


def rendered_scenario(ids: Scenario) -> dict[int, list[PageItem]]:
    """The rendered pages of the scenario's runs (see ``build_scenario``)."""
    muenchen, aach, dessau, halle = "09162000", "09179111", "15001000", "15002000"
    return {
        ids.first: [
            rendered_page(
                aach,
                _page(aach, "datenschutz"),
                requests=(
                    _document(aach),
                    request("https://platform.twitter.com/widgets.js", f"{aach}.example"),
                ),
            )
        ],
        ids.second: [
            rendered_page(
                muenchen,
                _page(muenchen, "datenschutz"),
                requests=(
                    _document(muenchen),
                    request("https://connect.facebook.net/de_DE/fbevents.js",
                            f"{muenchen}.example"),
                    request("https://www.googletagmanager.com/gtm.js?id=GTM-1",
                            f"{muenchen}.example"),
                    request("https://www.facebook.com/tr?id=123456789", f"{muenchen}.example",
                            resource_type="image", status=None, blocked="not_downloaded"),
                ),
                cookies=(
                    cookie("_fbp", f".{muenchen}.example", f"{muenchen}.example"),
                    cookie("NID", ".google.com", f"{muenchen}.example", lifetime_days=183.0,
                           set_by="header"),
                    cookie("IDE", ".doubleclick.net", f"{muenchen}.example", set_by="header",
                           refused="ThirdPartyBlockedInFirstPartySet"),
                ),
                trackers=(
                    tracker("facebook-pixel", "markup+requests", consent_gated=True),
                    tracker("google-tag-manager", "requests"),
                ),
            ),
            rendered_page(
                dessau,
                _page(dessau, "datenschutz"),
                requests=(
                    _document(dessau),
                    request("https://www.youtube-nocookie.com/embed/abc", f"{dessau}.example",
                            resource_type="document"),
                    request(_page(dessau, "matomo.js"), f"{dessau}.example"),
                ),
                trackers=(tracker("matomo", "markup+requests"),),
            ),
            rendered_page(halle, _page(halle, "datenschutz"), error="render_failed: crashed"),
            rendered_page(
                halle,
                _page(halle, "kontakt"),
                requests=(
                    request("https://cdn.jsdelivr.net/npm/x.js", f"{halle}.example"),
                    request("https://connect.facebook.net/de_DE/sdk.js", f"{halle}.example"),
                ),
            ),
        ],
        ids.failed: [
            rendered_page(
                muenchen,
                _page(muenchen, "datenschutz"),
                requests=(request("https://x.com/i/jot", f"{muenchen}.example"),),
            )
        ],
    }  # fmt: skip


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
