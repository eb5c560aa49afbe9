"""A run's crawl time: its starts summed, the idle gap before a resume left out."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from crawler.run.lifecycle import finish_run, resume_run, start_run
from crawler.seeds.seedfile import SeedList, read_seeds
from db.models import FINISHED, INTERRUPTED, CrawlRun
from db.queries import crawled_seconds
from tests.faults.conftest import write_seeds

STARTED = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
RESUMED = STARTED + timedelta(days=3)


class Clock:
    """Stands in for ``utcnow``: the time is what the test sets."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def seed_list(tmp_path: Path) -> SeedList:
    """A one-body seed list."""
    return read_seeds(write_seeds(tmp_path / "seeds.csv", [("1", "A", "http://www.a.de/")]))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The lifecycle's clock, set by the test."""
    clock = Clock(STARTED)
    monkeypatch.setattr("crawler.run.lifecycle.utcnow", clock)
    return clock


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_an_interrupted_and_resumed_run_counts_both_starts_but_not_the_gap(
    sessions: sessionmaker[Session], seed_list: SeedList, clock: Clock
) -> None:
    with sessions.begin() as session:
        run_id = start_run(session, seed_list, {}).id
        session.get_one(CrawlRun, run_id).started_at = STARTED
    clock.now = STARTED + timedelta(seconds=40)
    with sessions.begin() as session:
        finish_run(session, run_id, INTERRUPTED, "stopped by a signal")
    clock.now = RESUMED
    with sessions.begin() as session:
        resume_run(session, run_id, seed_list)
    clock.now = RESUMED + timedelta(seconds=25)
    with sessions.begin() as session:
        run = finish_run(session, run_id, FINISHED)
        assert (run.crawl_seconds, crawled_seconds(run)) == (65.0, 65.0)


def test_a_killed_start_counts_up_to_its_last_heartbeat(
    sessions: sessionmaker[Session], seed_list: SeedList, clock: Clock
) -> None:
    with sessions.begin() as session:
        run = start_run(session, seed_list, {})
        run_id, run.started_at = run.id, STARTED
        run.pid, run.heartbeat_at = _dead_pid(), STARTED + timedelta(seconds=30)
    clock.now = RESUMED
    with sessions.begin() as session:
        run = resume_run(session, run_id, seed_list)  # marks the dead start interrupted first
        assert run.crawl_seconds == 30.0
        assert crawled_seconds(run, now=RESUMED + timedelta(seconds=5)) == 35.0
    clock.now = RESUMED + timedelta(seconds=10)
    with sessions.begin() as session:
        assert finish_run(session, run_id, FINISHED).crawl_seconds == 40.0
