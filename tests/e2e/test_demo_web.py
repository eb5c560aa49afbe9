"""The demo web crawled end to end must yield exactly what its manifest says a correct crawl finds.

``data/demo/sites.toml`` states, per body, the accounts, share platforms, trackers and
consent-gated trackers that a reader of the demo pages finds by hand, and for some bodies what
their homepage does in Chromium before consent; this compares the database rows of a real
crawl, and of ``govsocial demo`` rendering homepages, with those expectations.
"""

from __future__ import annotations

import json
import subprocess
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from crawler.demo.web import DEMO_DIR
from crawler.render.config import CHROMIUM_SETTING, INSTALL_HINT
from db.session import make_engine
from tests.e2e.conftest import ServedWeb, govsocial, serve

pytestmark = pytest.mark.e2e

EXPECTATIONS: dict[str, dict[str, Any]] = tomllib.loads(
    (DEMO_DIR / "sites.toml").read_text(encoding="utf-8")
)["expect"]


@pytest.fixture(scope="module")
def demo_web() -> Iterator[ServedWeb]:
    """The demo web of data/demo, served from a subprocess."""
    yield from serve(DEMO_DIR)


@pytest.fixture(scope="module")
def demo_db(demo_web: ServedWeb, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One crawl of the demo web."""
    folder = tmp_path_factory.mktemp("demo")
    db_url = f"sqlite:///{folder / 'demo.sqlite'}"
    result = govsocial(*demo_web.crawl_args(folder, db_url, "--allow-private"))
    assert result.returncode == 0, result.stderr
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def found(engine: Engine, sql: str, body_id: str) -> set[str]:
    with engine.connect() as connection:
        return {row[0] for row in connection.execute(text(sql), {"body": body_id})}


QUERIES: dict[str, str] = {
    "accounts": "SELECT DISTINCT platform || ':' || handle FROM social_links "
    "WHERE body_id = :body AND link_kind = 'profile'",
    "shares": "SELECT DISTINCT platform FROM social_links "
    "WHERE body_id = :body AND link_kind = 'share'",
    # The manifest lists trackers loaded without consent apart from those loaded only after it.
    "trackers": "SELECT DISTINCT tracker_id FROM tracker_sightings "
    "WHERE body_id = :body AND NOT consent_gated",
    "consent_gated": "SELECT tracker_id FROM tracker_sightings WHERE body_id = :body "
    "GROUP BY tracker_id HAVING min(CASE WHEN consent_gated THEN 1 ELSE 0 END) = 1",
}


@pytest.mark.parametrize("body_id", sorted(EXPECTATIONS))
@pytest.mark.parametrize("field", sorted(QUERIES))
def test_crawl_finds_what_the_manifest_expects(demo_db: Engine, body_id: str, field: str) -> None:
    assert found(demo_db, QUERIES[field], body_id) == set(EXPECTATIONS[body_id][field])


@pytest.mark.parametrize("body_id", sorted(EXPECTATIONS))
def test_reachability_and_page_budget(demo_db: Engine, body_id: str) -> None:
    expected = EXPECTATIONS[body_id]
    with demo_db.connect() as connection:
        reachable, pages = connection.execute(
            text("SELECT reachable, pages_fetched FROM body_visits WHERE body_id = :body"),
            {"body": body_id},
        ).one()
    assert bool(reachable) is expected["reachable"]
    assert pages <= expected["pages_max"]


RENDERED: dict[str, dict[str, list[str]]] = {
    body_id: expected["rendered"]
    for body_id, expected in EXPECTATIONS.items()
    if "rendered" in expected
}
RENDERED_QUERIES: dict[str, str] = {
    "trackers": "SELECT DISTINCT tracker_id || ':' || seen_in FROM rendered_trackers "
    "WHERE body_id = :body AND NOT consent_gated",
    "consent_gated": "SELECT DISTINCT tracker_id || ':' || seen_in FROM rendered_trackers "
    "WHERE body_id = :body AND consent_gated",
    "third_party_hosts": "SELECT DISTINCT host FROM http_requests "
    "WHERE body_id = :body AND third_party",
    "cookies": "SELECT DISTINCT name || ':' || set_by FROM browser_cookies WHERE body_id = :body",
    "storage": "SELECT DISTINCT area || ':' || key FROM browser_storage WHERE body_id = :body",
}


def rendered_ids(engine: Engine, body_id: str) -> set[str]:
    """Every account id the body's rendered trackers carry."""
    lists = found(engine, "SELECT ids FROM rendered_trackers WHERE body_id = :body", body_id)
    return {tracker_id for ids in lists for tracker_id in json.loads(ids)}


@pytest.fixture(scope="module")
def rendered_demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[subprocess.CompletedProcess[str], Engine]]:
    """``govsocial demo`` as ``make demo`` runs it where Chromium is installed, and its database."""
    folder = tmp_path_factory.mktemp("rendered-demo")
    db_url = f"sqlite:///{folder / 'demo.sqlite'}"
    result = govsocial("demo", "--db", db_url, "--report", str(folder / "report"), timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    engine = make_engine(db_url)
    yield result, engine
    engine.dispose()


@pytest.mark.render
def test_demo_command_renders_homepages_where_chromium_is_installed(
    rendered_demo: tuple[subprocess.CompletedProcess[str], Engine],
) -> None:
    result, engine = rendered_demo
    reachable = [body_id for body_id, expected in EXPECTATIONS.items() if expected["reachable"]]
    assert "homepages rendered in Chromium" in result.stdout
    assert f"rendered {len(reachable)} bodies (" in result.stdout
    assert "--render homepage); before consent" in result.stdout
    assert "apt-get install chromium" not in result.stdout
    with engine.connect() as connection:
        run = connection.execute(text("SELECT status, render_mode FROM crawl_runs")).one()
        failed = connection.execute(
            text("SELECT body_id, error FROM rendered_pages WHERE error IS NOT NULL")
        ).all()
        rendered = connection.execute(text("SELECT count(*) FROM rendered_pages")).scalar()
    assert (tuple(run), failed, rendered) == (("finished", "homepage"), [], len(reachable))


@pytest.mark.render
@pytest.mark.parametrize("body_id", sorted(RENDERED))
@pytest.mark.parametrize("field", [*sorted(RENDERED_QUERIES), "ids"])
def test_rendered_homepage_does_what_the_manifest_expects(
    rendered_demo: tuple[subprocess.CompletedProcess[str], Engine], body_id: str, field: str
) -> None:
    _, engine = rendered_demo
    if field == "ids":
        assert rendered_ids(engine, body_id) == set(RENDERED[body_id]["ids"])
    else:
        assert found(engine, RENDERED_QUERIES[field], body_id) == set(RENDERED[body_id][field])


def test_demo_command_without_a_browser_crawls_unrendered_and_says_how_to_render(
    tmp_path: Path, engine_for: Callable[[str], Engine]
) -> None:
    db_url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    no_browser = {CHROMIUM_SETTING: str(tmp_path / "no-chromium")}
    report = tmp_path / "report"
    result = govsocial("demo", "--db", db_url, "--report", str(report), env=no_browser)
    assert result.returncode == 0, result.stderr
    hints = [line for line in result.stdout.splitlines() if INSTALL_HINT in line]
    assert len(hints) == 1
    assert "run 1: finished" in result.stdout
    assert f"{len(EXPECTATIONS)}/{len(EXPECTATIONS)} done" in result.stdout
    steps, written = result.stdout.split("next steps:")[1].strip().split("\n\n")
    assert steps
    assert all(f"--db {db_url}" in step for step in steps.splitlines())  # the database just written
    # It ends by writing the run's report and saying where to open it.
    assert written.startswith("report of run 1 (30 bodies")
    assert written.endswith(f"written: open {(report / 'index.html').as_uri()}")
    assert "Stadt Musterhausen" in (report / "data" / "bodies.js").read_text(encoding="utf-8")
    with engine_for(db_url).connect() as connection:
        visits = connection.execute(text("SELECT count(*) FROM body_visits")).scalar()
        mode = connection.execute(text("SELECT render_mode FROM crawl_runs")).scalar()
        rendered = connection.execute(text("SELECT count(*) FROM rendered_pages")).scalar()
    assert (visits, mode, rendered) == (len(EXPECTATIONS), "none", 0)


def test_demo_command_refuses_to_render_without_a_browser_when_asked_to(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    no_browser = {CHROMIUM_SETTING: str(tmp_path / "no-chromium")}
    result = govsocial("demo", "--db", db_url, "--render", "homepage", env=no_browser)
    assert result.returncode == 1
    assert INSTALL_HINT in result.stderr
    assert not (tmp_path / "demo.sqlite").exists()
