"""A built seed list is crawled as it is: rows with a website visited, the others counted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from benchmarks import discoveryweb
from benchmarks import seedsources as official
from crawler.cli import main
from db.history import run_coverage
from db.session import make_engine
from tests.e2e.conftest import FAST, govsocial
from tests.seeds.conftest import SPARQL, Served
from tests.seeds.loopback import Answer

pytestmark = pytest.mark.e2e

SITES = {"01001000": "www.flensburg.test", "01002000": "www.kiel.test", "03101000": "bs.test"}


@pytest.fixture
def site_server(tmp_path: Path) -> Iterator[int]:
    """The three units' sites, served by the demo server in a subprocess."""
    root = tmp_path / "sites"
    for ags, host in SITES.items():
        (root / host).mkdir(parents=True)
        (root / host / "index.html").write_text(
            f'<html><head><title>{ags}</title></head><body><a href="https://www.facebook.com/'
            f'stadt{ags}">Facebook</a></body></html>',
            encoding="utf-8",
        )
    with discoveryweb.serving(root) as port:
        yield port


def test_crawl_reads_a_built_list_without_column_mappings(
    served: Served, site_server: int, tmp_path: Path
) -> None:
    known = [official.Known(ags, f"http://{host}:{site_server}/") for ags, host in SITES.items()]
    served.routes.answers["/sparql"] = Answer(official.sparql_answer(known), content_type=SPARQL)
    built = tmp_path / "de.csv"
    args = [*served.args(built, gv="/mini.csv"), "--no-federal", "--min-municipalities", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output

    db_url = f"sqlite:///{tmp_path / 'govsocial.sqlite'}"
    hosts = json.dumps({"*.test": "127.0.0.1"})
    crawl = govsocial(
        "crawl", "--seeds", str(built), "--skip-missing-urls", "--allow-private", "--quiet",
        "--db", db_url, "-s", f"GOVSOCIAL_HOSTS={hosts}", "--max-pages", "1", *FAST,
    )
    assert crawl.returncode == 0, crawl.stderr
    engine = make_engine(db_url)
    with engine.connect() as connection:
        visits = dict(connection.execute(text("SELECT body_id, outcome FROM body_visits")).all())
        kinds = dict(connection.execute(text("SELECT id, kind FROM bodies")).all())
        coverage = connection.execute(
            select(run_coverage.c.kind, run_coverage.c.bodies_listed,
                   run_coverage.c.bodies_with_website, run_coverage.c.bodies_reached)
        ).all()
    engine.dispose()
    assert visits == dict.fromkeys(SITES, "ok")
    assert kinds["01001000"] == "kreisfreie_stadt"
    listed = sum(row.bodies_listed for row in coverage)
    assert listed == len(built.read_text(encoding="utf-8").splitlines()) - 1
    assert sum(row.bodies_with_website for row in coverage) == 3
    assert sum(row.bodies_reached for row in coverage) == 3
