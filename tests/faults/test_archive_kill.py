"""SIGKILL during an archived crawl: readable WARC files, and no row points at a missing record."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from crawler.archive.reader import read_file, read_record
from tests.e2e.conftest import govsocial
from tests.faults.conftest import FaultWeb, crawl_args, resume_args, rows
from tests.faults.test_interrupts import HOLD, assert_consistent, slow_web, wait_for_visits

pytestmark = pytest.mark.e2e


def _archived_pages(engine: Engine) -> list[tuple[object, ...]]:
    return rows(
        engine,
        "SELECT p.warc_file, p.warc_offset, p.warc_record_id, r.archive_dir FROM pages p "
        "JOIN crawl_runs r ON r.id = p.run_id WHERE p.warc_file IS NOT NULL",
    )


def assert_archive_consistent(engine: Engine, folder: Path) -> int:
    """Every file reads back whole but for a cut last record, and every page's record is there;
    returns the records read."""
    records: dict[tuple[str, int], str] = {}
    for path in folder.glob("*.warc.gz"):
        reading = read_file(path)
        records.update(((path.name, r.offset), r.record_id) for r in reading.records)
        if reading.partial_at is not None:
            assert reading.partial_at > reading.records[-1].offset
    pages = _archived_pages(engine)
    assert pages
    for warc_file, offset, record_id, archive_dir in pages:
        assert Path(str(archive_dir)) == folder
        assert records[(str(warc_file), int(str(offset)))] == record_id
        assert read_record(folder / str(warc_file), int(str(offset))).record_type == "response"
    return len(records)


def test_sigkill_of_an_archived_crawl_leaves_readable_files_and_a_consistent_database(
    fault_web: FaultWeb, tmp_path: Path, engine_for: Callable[[str], Engine]
) -> None:
    seeds, hosts = slow_web(fault_web, tmp_path, "warc")
    db_url = f"sqlite:///{tmp_path / 'killed.sqlite'}"
    archive = tmp_path / "warc"
    engine = engine_for(db_url)
    command = [sys.executable, "-m", "crawler.cli", *crawl_args(seeds, db_url, hosts), *HOLD]
    command += ["--allow-private", "--archive", str(archive), "-s", "GOVSOCIAL_DB_BATCH=1"]
    crawl = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_visits(engine, 3, crawl)
    crawl.send_signal(signal.SIGKILL)
    crawl.communicate(timeout=30)
    fault_web.release("halt-warc")

    folder = archive.resolve() / "run-000001"
    assert rows(engine, "SELECT status FROM crawl_runs") == [("running",)]
    assert_consistent(engine)
    read_before = assert_archive_consistent(engine, folder)

    resumed = govsocial(*resume_args(1, db_url, hosts))
    assert resumed.returncode == 0, resumed.stderr
    assert_consistent(engine)
    # The resumed crawl archived into the run's folder, in a file of its own.
    assert len(list(folder.glob("*.warc.gz"))) == 2
    assert assert_archive_consistent(engine, folder) > read_before
    reanalysed = govsocial("reanalyse", "1", "--db", db_url)
    assert reanalysed.returncode == 0, reanalysed.stderr
