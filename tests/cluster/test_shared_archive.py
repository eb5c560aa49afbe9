"""A shared run kept with --archive: every batch, on every worker, archives the pages it stores."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from crawler.archive.reader import read_record
from tests.cluster.conftest import Workers, run_started, shared_args, wait_until
from tests.faults.conftest import FaultWeb, host_map, rows, write_seeds

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


def test_each_worker_archives_its_batches_in_files_of_its_own(
    fault_web: FaultWeb,
    workers: Workers,
    tmp_path: Path,
    postgres_database: str,
    engine_for: Callable[[str], Engine],
) -> None:
    seeds = [(f"{n:08d}", f"Gemeinde {n}", fault_web.url(f"www.warc-{n}.de")) for n in range(8)]
    path, hosts = write_seeds(tmp_path / "seeds.csv", seeds), host_map(seeds)
    archive = tmp_path / "warc"
    engine = engine_for(postgres_database)
    options = shared_args(postgres_database, hosts, "--batch-bodies", "1", "--max-pages", "2")
    starter = workers.start("starter", "crawl", "--seeds", str(path), "--allow-private",
                            "--archive", str(archive), *options)
    wait_until(lambda: run_started(engine), "the run's batches are queued", starter)
    joiner = workers.start("joiner", "crawl", "--join", "1", *options)
    assert starter.finish() == 0, starter.stderr()
    assert joiner.finish() == 0, joiner.stderr()

    assert rows(engine, "SELECT archive_dir FROM crawl_runs") == [(str(archive / "run-000001"),)]
    pages = rows(
        engine,
        "SELECT p.url, p.warc_file, p.warc_offset, b.worker_id FROM pages p "
        "JOIN run_bodies b ON b.run_id = p.run_id AND b.body_id = p.body_id "
        "WHERE p.error IS NULL ORDER BY p.url",
    )
    assert len(pages) >= 8
    for url, warc_file, offset, worker_id in pages:
        assert f"-w{worker_id}-" in str(warc_file)  # written by the batch that settled it
        record = read_record(archive / "run-000001" / str(warc_file), int(str(offset)))
        assert (record.record_type, record.target_uri) == ("response", url)
