"""Crawls stopped by SIGKILL and SIGTERM: the database stays consistent and the run resumes."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, inspect

from crawler.cli.crawl import EXIT_LOCKED
from tests.e2e.conftest import govsocial
from tests.faults.conftest import FaultWeb, crawl_args, host_map, resume_args, rows, write_seeds

pytestmark = pytest.mark.e2e

BODIES = 12
# A site that answers only when the test releases it holds the first crawl open, however fast
# the machine; the others' pages take 0.3 s each.
HOLD = ("-s", "DOWNLOAD_TIMEOUT=300", "-s", "GOVSOCIAL_BODY_TIMEOUT=0")
POLL_SECONDS = 0.05
SIGNAL_GAP_SECONDS = 0.5
WAIT_SECONDS = 60.0


def slow_web(fault_web: FaultWeb, folder: Path, tag: str) -> tuple[Path, str]:
    """A seed file of sound but slow sites, named apart by ``tag``, and its host map."""
    seeds = [("00000000", "Gemeinde Halt", fault_web.url(f"www.halt-{tag}.de"))]
    seeds += [
        (f"{n:08d}", f"Stadt {n}", fault_web.url(f"www.stadt-{tag}-{n}.de"))
        for n in range(1, BODIES)
    ]
    return write_seeds(folder / "seeds.csv", seeds), host_map(seeds)


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended while we looked
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def assert_gone(pids: list[int], within: float = 5.0) -> None:
    """The processes end on their own soon after their parent was killed."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
        if not alive:
            return
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"processes {alive} outlived the killed crawl")


def start_crawl(seeds: Path, db_url: str, hosts: str) -> subprocess.Popen[str]:
    """``govsocial crawl`` in the background."""
    command = [sys.executable, "-m", "crawler.cli", *crawl_args(seeds, db_url, hosts), *HOLD]
    command.append("--allow-private")
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_visits(engine: Engine, count: int, crawl: subprocess.Popen[str]) -> None:
    """Block until the crawl has stored ``count`` body outcomes."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        assert crawl.poll() is None, "the crawl ended before it could be stopped"
        migrated = inspect(engine).has_table("body_visits")
        if migrated and rows(engine, "SELECT count(*) FROM body_visits")[0][0] >= count:
            return
        time.sleep(POLL_SECONDS)
    pytest.fail(f"no {count} body outcomes within {WAIT_SECONDS} s")


def assert_consistent(engine: Engine) -> None:
    """SQLite's own checks, and the run's counters agree with its rows."""
    assert rows(engine, "PRAGMA integrity_check") == [("ok",)]
    assert rows(engine, "PRAGMA foreign_key_check") == []
    counted = rows(
        engine,
        "SELECT count(*), coalesce(sum(pages_fetched), 0) FROM body_visits WHERE run_id = 1",
    )
    assert rows(engine, "SELECT bodies_done, pages_fetched FROM crawl_runs") == counted
    per_body = rows(
        engine,
        "SELECT v.body_id, v.pages_fetched, (SELECT count(*) FROM pages p WHERE p.run_id = 1 "
        "AND p.body_id = v.body_id AND p.error IS NULL) FROM body_visits v",
    )
    assert all(recorded == stored for _, recorded, stored in per_body)


def host_paths(engine: Engine, sql: str) -> set[tuple[str, str]]:
    """``(host, path)`` of the URLs a query returns."""
    found = set()
    for (url,) in rows(engine, sql):
        parts = urlsplit(str(url))
        found.add((parts.hostname or "", parts.path))
    return found


def test_sigkill_leaves_a_consistent_database_and_resume_fetches_nothing_twice(
    fault_web: FaultWeb, tmp_path: Path, engine_for: Callable[[str], Engine]
) -> None:
    seeds, hosts = slow_web(fault_web, tmp_path, "kill")
    db_url = f"sqlite:///{tmp_path / 'killed.sqlite'}"
    engine = engine_for(db_url)
    crawl = start_crawl(seeds, db_url, hosts)
    wait_for_visits(engine, 3, crawl)
    workers = children_of(crawl.pid)
    crawl.send_signal(signal.SIGKILL)
    crawl.communicate(timeout=30)
    fault_web.release("halt-kill")

    assert workers, "the crawl analyses pages in a worker process by default"
    assert_gone(workers)
    assert rows(engine, "SELECT status FROM crawl_runs") == [("running",)]
    assert_consistent(engine)
    done_hosts = {host for host, _ in host_paths(engine, "SELECT seed_url FROM body_visits")}
    stored = host_paths(engine, "SELECT url FROM pages")
    requests_before = len(fault_web.requests())

    resumed = govsocial(*resume_args(1, db_url, hosts))
    assert resumed.returncode == 0, resumed.stderr
    assert "run 1: finished" in resumed.stdout

    assert_consistent(engine)
    assert rows(engine, "SELECT count(DISTINCT body_id), count(*) FROM body_visits") == [
        (BODIES, BODIES)
    ]
    again = set(fault_web.requests()[requests_before:])
    assert not {(host, path) for host, path in again if host in done_hosts}
    # A body under way at the kill has its homepage fetched again for its links, nothing else.
    assert {(host, path) for host, path in again & stored if path != "/"} == set()


def test_sigterm_interrupts_cleanly_and_a_second_crawl_is_refused_meanwhile(
    fault_web: FaultWeb, tmp_path: Path, engine_for: Callable[[str], Engine]
) -> None:
    seeds, hosts = slow_web(fault_web, tmp_path, "term")
    db_url = f"sqlite:///{tmp_path / 'stopped.sqlite'}"
    engine = engine_for(db_url)
    crawl = start_crawl(seeds, db_url, hosts)
    wait_for_visits(engine, 2, crawl)

    second = govsocial(*crawl_args(seeds, db_url, hosts), "--allow-private")
    assert second.returncode == EXIT_LOCKED, second.stdout
    assert "run 1 is still running" in second.stderr

    crawl.send_signal(signal.SIGTERM)
    fault_web.release("halt-term")  # the held page answers, and the crawl closes after it
    stdout, _ = crawl.communicate(timeout=60)
    assert crawl.returncode == 130
    assert "run 1: interrupted" in stdout
    ((status, message),) = rows(engine, "SELECT status, message FROM crawl_runs")
    assert status == "interrupted"
    assert "govsocial crawl --resume 1" in message
    assert_consistent(engine)

    resumed = govsocial(*resume_args(1, db_url, hosts))
    assert resumed.returncode == 0, resumed.stderr
    assert rows(engine, "SELECT status, bodies_done FROM crawl_runs") == [("finished", BODIES)]
    assert_consistent(engine)


def test_second_signal_forces_a_stop_that_is_still_recorded_as_interrupted(
    fault_web: FaultWeb, tmp_path: Path, engine_for: Callable[[str], Engine]
) -> None:
    seeds, hosts = slow_web(fault_web, tmp_path, "force")
    db_url = f"sqlite:///{tmp_path / 'forced.sqlite'}"
    engine = engine_for(db_url)
    crawl = start_crawl(seeds, db_url, hosts)
    wait_for_visits(engine, 1, crawl)
    crawl.send_signal(signal.SIGINT)
    time.sleep(SIGNAL_GAP_SECONDS)  # two signals at once would arrive as one
    crawl.send_signal(signal.SIGINT)
    crawl.communicate(timeout=60)
    fault_web.release("halt-force")
    assert crawl.returncode == 130
    ((status, message),) = rows(engine, "SELECT status, message FROM crawl_runs")
    assert status == "interrupted"
    assert message.startswith("forced to stop before the crawl could close")
    assert_consistent(engine)


def test_resume_refuses_a_changed_seed_file_and_a_finished_run(
    fault_web: FaultWeb, tmp_path: Path, engine_for: Callable[[str], Engine]
) -> None:
    seeds, hosts = slow_web(fault_web, tmp_path, "refuse")
    db_url = f"sqlite:///{tmp_path / 'refused.sqlite'}"
    first = govsocial(*crawl_args(seeds, db_url, hosts), "--allow-private")
    assert first.returncode == 0, first.stderr

    finished = govsocial("crawl", "--resume", "1", "--db", db_url, "--quiet")
    assert finished.returncode == 1
    assert "run 1 finished; there is nothing to resume" in finished.stderr

    engine = engine_for(db_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE crawl_runs SET status = 'interrupted'")
    with seeds.open("a", encoding="utf-8") as seed_file:
        seed_file.write("99999999,Neu,http://www.neu.de/\n")
    changed = govsocial("crawl", "--resume", "1", "--db", db_url, "--quiet")
    assert changed.returncode == 1
    assert "is not the one run 1 started with" in changed.stderr
    assert rows(engine, "SELECT status FROM crawl_runs") == [("interrupted",)]
