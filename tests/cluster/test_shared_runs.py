"""One run, many worker processes: every body settled once, and a killed worker loses nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from benchmarks.synthweb import WebShape
from tests.cluster.conftest import (
    CuttableProxy,
    Workers,
    run_started,
    scalar,
    shared_args,
    wait_until,
)
from tests.faults.conftest import QUICK, FaultWeb, host_map, rows, write_seeds

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

SITES = 40
LOOPBACK = "127.0.0.1"
NO_HOLD = ("-s", "DOWNLOAD_TIMEOUT=300", "-s", "GOVSOCIAL_BODY_TIMEOUT=0")


@pytest.fixture(scope="module")
def synthetic_web() -> tuple[int, WebShape]:
    """Forty synthetic municipal sites on loopback, served for the module."""
    shape = WebShape(bodies=SITES, page_kb=20, variants=8)
    command = [sys.executable, "-m", "benchmarks.server", "--bodies", str(SITES)]
    command += ["--page-kb", "20", "--variants", "8"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as server:
        assert server.stdout is not None
        try:
            yield int(server.stdout.readline()), shape
        finally:
            server.terminate()
            server.wait(timeout=10)


def findings(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """What a run stored, without ids or times: pages, accounts, trackers, outcomes."""
    return {
        "pages": rows(engine, "SELECT body_id, url, status, error FROM pages ORDER BY 1, 2"),
        "links": rows(
            engine,
            "SELECT body_id, platform, link_kind, handle, url FROM social_links "
            "ORDER BY 1, 2, 3, 4, 5",
        ),
        "trackers": rows(
            engine, "SELECT body_id, tracker_id, rule FROM tracker_sightings ORDER BY 1, 2, 3"
        ),
        "visits": rows(
            engine,
            "SELECT body_id, outcome, reachable, pages_fetched FROM body_visits ORDER BY 1",
        ),
    }


def assert_stored_once(engine: Engine, bodies: int) -> None:
    """Each body has one outcome and each page one row; the run finished with all of them."""
    assert scalar(engine, "SELECT count(DISTINCT body_id) FROM body_visits") == bodies
    assert scalar(engine, "SELECT count(*) FROM body_visits") == bodies
    duplicates = "SELECT run_id, body_id, url FROM pages GROUP BY 1, 2, 3 HAVING count(*) > 1"
    assert rows(engine, duplicates) == []
    assert rows(engine, "SELECT status, bodies_done FROM crawl_runs") == [("finished", bodies)]
    assert scalar(engine, "SELECT sum(bodies_settled) FROM run_workers") == bodies


def test_three_workers_settle_a_run_as_one_process_would(
    synthetic_web: tuple[int, WebShape],
    workers: Workers,
    tmp_path: Path,
    postgres_database: str,
    engine_for: Callable[[str], Engine],
) -> None:
    port, shape = synthetic_web
    seeds = shape.write_seeds(port, tmp_path / "seeds.csv")
    hosts = json.dumps(shape.host_map(LOOPBACK))
    alone = f"sqlite:///{tmp_path / 'alone.sqlite'}"
    # No deadline per body: what a body yields must not depend on how loaded the machine is.
    single = workers.start("alone", "crawl", "--seeds", str(seeds), "--allow-private",
                           "--db", alone, "--quiet", "-s", f"GOVSOCIAL_HOSTS={hosts}",
                           *QUICK, *NO_HOLD)
    assert single.finish() == 0, single.stderr()

    engine = engine_for(postgres_database)
    starter = workers.start("starter", "crawl", "--seeds", str(seeds), "--allow-private",
                            *shared_args(postgres_database, hosts, "--batch-bodies", "5",
                                         *NO_HOLD))
    wait_until(lambda: run_started(engine), "the run's batches are queued", starter)
    joiners = [
        workers.start(f"joiner{n}", "crawl", "--join", "1",
                      *shared_args(postgres_database, hosts, *NO_HOLD))
        for n in (1, 2)
    ]
    for process in (starter, *joiners):
        assert process.finish() == 0, process.stderr()
        assert "progress:" not in process.stderr()  # --quiet

    assert_stored_once(engine, SITES)
    assert scalar(engine, "SELECT count(*) FROM run_workers WHERE bodies_settled > 0") == 3
    assert findings(engine) == findings(engine_for(alone))


def held_web(fault_web: FaultWeb, folder: Path, tag: str) -> tuple[Path, str, str]:
    """Seeds whose first body is held after its homepage until released, then sound sites."""
    label = f"halb-{tag}"
    seeds = [("00000000", "Gemeinde Halb", fault_web.url(f"www.{label}.de"))]
    seeds += [(f"{n:08d}", f"Gemeinde {n}", fault_web.url(f"www.gesund-{tag}-{n}.de"))
              for n in range(1, 8)]
    return write_seeds(folder / "seeds.csv", seeds), host_map(seeds), label


def held_requests(fault_web: FaultWeb, label: str) -> list[str]:
    """Paths of the held body's site requested so far."""
    return [path for host, path in fault_web.requests() if host == f"www.{label}.de"]


def holder(engine: Engine) -> object:
    """The worker row holding the held body's lease."""
    return scalar(engine, "SELECT worker_id FROM run_bodies WHERE body_id = '00000000'")


def test_a_killed_starter_loses_nothing_and_a_joiner_finishes_its_run(
    fault_web: FaultWeb,
    workers: Workers,
    tmp_path: Path,
    postgres_database: str,
    engine_for: Callable[[str], Engine],
) -> None:
    seeds, hosts, label = held_web(fault_web, tmp_path, "kill")
    engine = engine_for(postgres_database)
    options = shared_args(postgres_database, hosts, "--batch-bodies", "4", *NO_HOLD)
    starter = workers.start("starter", "crawl", "--seeds", str(seeds), "--allow-private",
                            *options)
    wait_until(lambda: "/impressum.html" in held_requests(fault_web, label),
               "the starter is held inside the first body", starter)
    wait_until(lambda: scalar(engine, "SELECT count(*) FROM pages WHERE body_id = '00000000'")
               == 1, "the held body's homepage is stored", starter)
    first_holder = holder(engine)
    joiner = workers.start("joiner", "crawl", "--join", "1", *options)
    wait_until(lambda: scalar(engine, "SELECT count(*) FROM body_visits") == 7,
               "the joiner settles the sound bodies", joiner)

    starter.kill_machine()
    wait_until(lambda: holder(engine) not in (None, first_holder),
               "the joiner takes the held body over after the lease", joiner)
    wait_until(lambda: held_requests(fault_web, label).count("/impressum.html") == 2,
               "the joiner asks for the held body's subpages", joiner)
    fault_web.release(label)
    assert joiner.finish() == 0, joiner.stderr()

    assert_stored_once(engine, 8)
    pages = rows(engine, "SELECT url FROM pages WHERE body_id = '00000000' ORDER BY url")
    assert [url for (url,) in pages] == [
        fault_web.url(f"www.{label}.de"),
        fault_web.url(f"www.{label}.de", "/impressum.html"),
        fault_web.url(f"www.{label}.de", "/kontakt.html"),
    ]
    stopped = "SELECT stop_reason FROM run_workers WHERE id = :id"
    assert rows(engine, stopped, id=first_holder) == [(None,)]  # killed: it said nothing


def test_a_slow_body_stays_with_its_worker_while_the_worker_lives(
    fault_web: FaultWeb,
    workers: Workers,
    tmp_path: Path,
    postgres_database: str,
    engine_for: Callable[[str], Engine],
) -> None:
    seeds, hosts, label = held_web(fault_web, tmp_path, "slow")
    engine = engine_for(postgres_database)
    options = shared_args(postgres_database, hosts, "--batch-bodies", "4", *NO_HOLD)
    starter = workers.start("starter", "crawl", "--seeds", str(seeds), "--allow-private",
                            *options)
    wait_until(lambda: "/impressum.html" in held_requests(fault_web, label),
               "the starter is held inside the first body", starter)
    first_holder = holder(engine)
    joiner = workers.start("joiner", "crawl", "--join", "1", *options)
    wait_until(lambda: scalar(engine, "SELECT count(*) FROM body_visits") == 7,
               "the joiner settles the sound bodies", joiner)
    held_since = scalar(engine, "SELECT now()")
    # Three leases pass while the body is held, each renewed by the starter's heartbeat, and
    # the joiner looks for silent workers four times per lease meanwhile.
    wait_until(
        lambda: bool(
            scalar(
                engine,
                "SELECT heartbeat_at > :since + interval '12 seconds' FROM run_workers "
                "WHERE id = :id",
                since=held_since,
                id=first_holder,
            )
        ),
        "three leases pass with the starter beating",
        starter,
        joiner,
    )
    assert holder(engine) == first_holder
    fault_web.release(label)
    assert starter.finish() == 0, starter.stderr()
    assert joiner.finish() == 0, joiner.stderr()

    assert_stored_once(engine, 8)
    assert held_requests(fault_web, label).count("/impressum.html") == 1
    settled = "SELECT bodies_settled FROM run_workers WHERE id = :id"
    assert rows(engine, settled, id=first_holder) == [(4,)]  # its whole batch, held body too


def test_a_worker_that_loses_the_database_stops_with_the_reason_and_the_others_go_on(
    fault_web: FaultWeb,
    workers: Workers,
    tmp_path: Path,
    postgres_database: str,
    engine_for: Callable[[str], Engine],
) -> None:
    seeds, hosts, label = held_web(fault_web, tmp_path, "cut")
    engine = engine_for(postgres_database)
    url = make_url(postgres_database)
    proxy = CuttableProxy((url.host or LOOPBACK, url.port or 5432))
    through_proxy = url.set(host=LOOPBACK, port=proxy.port).render_as_string(hide_password=False)
    options = ["--batch-bodies", "4", *NO_HOLD]
    starter = workers.start("starter", "crawl", "--seeds", str(seeds), "--allow-private",
                            *shared_args(through_proxy, hosts, *options))
    wait_until(lambda: "/impressum.html" in held_requests(fault_web, label),
               "the starter is held inside the first body", starter)
    joiner = workers.start("joiner", "crawl", "--join", "1",
                           *shared_args(postgres_database, hosts, *options))
    wait_until(lambda: scalar(engine, "SELECT count(*) FROM body_visits") == 7,
               "the sound bodies are settled", starter, joiner)

    proxy.cut()
    wait_until(lambda: held_requests(fault_web, label).count("/impressum.html") == 2,
               "the joiner takes the held body over", joiner)
    fault_web.release(label)
    assert joiner.finish() == 0, joiner.stderr()
    assert starter.finish() == 1
    assert "this worker stopped: database connection lost" in starter.stderr()
    assert_stored_once(engine, 8)
