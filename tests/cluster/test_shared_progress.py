"""Progress of a shared run, read from the database whoever settles its bodies."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from crawler.pipelines.writer import RunWriter
from crawler.run.lifecycle import start_run
from crawler.run.shared_progress import RunProgress, read_progress
from crawler.seeds.seedfile import read_seeds
from db.migrate import ensure_current
from db.session import make_engine, make_sessionmaker
from tests.cluster.conftest import Workers, shared_args
from tests.cluster.test_shared_setup import _outcome, _page
from tests.faults.conftest import FaultWeb, write_seeds


def test_the_line_shows_settled_bodies_pages_rate_and_time_left() -> None:
    line = RunProgress(settled=12, total=40, reachable=9, pages=55).line(7.0, settled_before=5)
    assert line == (
        "bodies 12/40 settled (9 reachable), pages 55, 1.00 bodies/s, ETA 0:00:28, "
        "elapsed 0:00:07"
    )


def test_time_left_is_unknown_until_a_body_settles_and_none_once_all_are() -> None:
    assert "ETA ?," in RunProgress(3, 40, 3, 3).line(60.0, settled_before=3)
    assert "ETA 0:00:00," in RunProgress(40, 40, 3, 3).line(60.0, settled_before=3)


@pytest.mark.postgres
def test_progress_counts_what_every_worker_stored(tmp_path: Path, postgres_database: str) -> None:
    seeds = [(f"{n}", f"Gemeinde {n}", f"http://www.g{n}.de/") for n in range(5)]
    engine = make_engine(postgres_database)
    ensure_current(engine, postgres_database)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        run_id = start_run(session, read_seeds(write_seeds(tmp_path / "s.csv", seeds)), {}).id
    writer = RunWriter(sessions, run_id)
    for body_id in ("0", "1"):
        writer.add_page(_page(body_id))
        writer.add_outcome(_outcome(body_id))
    writer.close()
    with sessions() as session:
        assert read_progress(session, run_id) == RunProgress(2, 5, 2, 2)
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.e2e
def test_a_shared_crawl_shows_its_progress(
    fault_web: FaultWeb,
    workers: Workers,
    tmp_path: Path,
    postgres_database: str,
    engine_for: Callable[[str], Engine],
) -> None:
    seeds = [(f"{n:08d}", f"Gemeinde {n}", fault_web.url(f"www.fort-{n}.de")) for n in range(4)]
    hosts = json.dumps({url.split("/")[2].split(":")[0]: "127.0.0.1" for _, _, url in seeds})
    path = write_seeds(tmp_path / "seeds.csv", seeds)
    options = [arg for arg in shared_args(postgres_database, hosts) if arg != "--quiet"]
    starter = workers.start("starter", "crawl", "--seeds", str(path), "--allow-private",
                            "--max-pages", "1", *options)
    assert starter.finish() == 0, starter.stderr()
    assert "progress: bodies 4/4 settled (4 reachable), pages 4, " in starter.stderr()
