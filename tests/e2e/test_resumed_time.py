"""A resumed crawl reports the time it crawled, not the days it waited for the resume."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.e2e.conftest import FAST, ServedWeb, govsocial

pytestmark = pytest.mark.e2e

GAP_DAYS = 3


def test_a_resumed_run_reports_its_crawl_time_without_the_idle_gap(
    served_web: ServedWeb, tmp_path: Path, engine_for: Callable[[str], Engine]
) -> None:
    db_url = f"sqlite:///{tmp_path / 'resumed.sqlite'}"
    # Scrapy's CloseSpider stops the first crawl after a few items: the run fails part-done.
    stopped = govsocial(
        *served_web.crawl_args(tmp_path, db_url, "--allow-private"),
        "-s",
        "CLOSESPIDER_ITEMCOUNT=2",
    )
    assert stopped.returncode == 1, stopped.stderr
    engine = engine_for(db_url)
    with engine.begin() as connection:
        first = connection.execute(text("SELECT crawl_seconds FROM crawl_runs")).scalar_one()
        # The first start happened days ago: the resume below then follows a long idle gap.
        for column in ("started_at", "finished_at", "heartbeat_at"):
            connection.execute(
                text(f"UPDATE crawl_runs SET {column} = datetime({column}, '-{GAP_DAYS} days')")
            )
    hosts = json.dumps(served_web.web.hosts())
    resumed = govsocial(
        "crawl", "--resume", "1", "--db", db_url, "--quiet", "-s", f"GOVSOCIAL_HOSTS={hosts}", *FAST
    )
    assert resumed.returncode == 0, resumed.stderr

    with engine.connect() as connection:
        total, started, resumed_at, finished = connection.execute(
            text("SELECT crawl_seconds, started_at, resumed_at, finished_at FROM crawl_runs")
        ).one()
    span = (_parse(finished) - _parse(started)).total_seconds()
    second = (_parse(finished) - _parse(resumed_at)).total_seconds()
    assert span > GAP_DAYS * 86400
    assert total == pytest.approx(first + second, abs=0.01)
    reported = re.match(r"run 1: finished in ([0-9.]+) s;", resumed.stdout)
    assert reported is not None, resumed.stdout
    assert float(reported.group(1)) == pytest.approx(total, abs=0.05)
    listed = json.loads(govsocial("runs", "--db", db_url, "--format", "json").stdout)
    assert listed[0]["crawl_seconds"] == pytest.approx(total, abs=0.05)


def _parse(value: object) -> datetime:
    return datetime.fromisoformat(str(value))
