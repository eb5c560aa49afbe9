"""Scheduled runs: ``--quiet`` prints one summary line, ``--log-file`` keeps the whole log."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import ServedWeb, govsocial

pytestmark = pytest.mark.e2e


def test_a_quiet_crawl_prints_one_summary_line_and_the_log_file_gets_the_whole_log(
    served_web: ServedWeb, tmp_path: Path
) -> None:
    database = tmp_path / "quiet.sqlite"
    log = tmp_path / "logs" / "crawl.log"
    log.parent.mkdir()
    args = served_web.crawl_args(tmp_path, f"sqlite:///{database}", "--allow-private")
    for run in (1, 2):
        result = govsocial(*args, "--log-file", str(log))
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        (line,) = result.stdout.splitlines()
        assert line.startswith(f"run {run}: finished in ")
        outcomes = "(connection_refused 1, http_error 1, robots_disallowed 1)"
        assert f"; bodies 6/6 done, 3 reachable {outcomes};" in line
        assert line.endswith(f"; database {database}")
    logged = log.read_text(encoding="utf-8")
    assert "[scrapy.utils.log] INFO: Scrapy" in logged
    assert "[crawler.run.progress] INFO: crawl finished: bodies 6/6" in logged
    assert logged.count("INFO: Dumping Scrapy stats") == 2  # appended, run after run


def test_without_quiet_or_a_terminal_stderr_has_progress_lines_but_no_scrapy_log(
    served_web: ServedWeb, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'loud.sqlite'}"
    args = [a for a in served_web.crawl_args(tmp_path, db_url, "--allow-private") if a != "--quiet"]
    result = govsocial(*args)
    assert result.returncode == 0, result.stderr
    (logged,) = result.stderr.splitlines()
    assert "[crawler.run.progress] INFO: crawl finished: bodies 6/6 (3 reachable)" in logged
    assert result.stdout.splitlines()[0].startswith("run 1: finished in ")
    assert len(result.stdout.splitlines()) == 6


def test_the_whole_log_goes_to_stderr_with_a_dash(served_web: ServedWeb, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'dash.sqlite'}"
    result = govsocial(
        *served_web.crawl_args(tmp_path, db_url, "--allow-private", "--log-file", "-")
    )
    assert result.returncode == 0, result.stderr
    assert "INFO: Dumping Scrapy stats" in result.stderr
    assert len(result.stdout.splitlines()) == 1


def test_a_log_file_that_cannot_be_written_is_refused_before_anything_is_crawled(
    tmp_path: Path,
) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("id,name,url\n1,A,http://www.a.de/\n", encoding="utf-8")
    database = tmp_path / "none.sqlite"
    result = govsocial(
        "crawl",
        "--seeds",
        str(seeds),
        "--db",
        f"sqlite:///{database}",
        "--quiet",
        "--log-file",
        str(tmp_path / "no" / "such" / "dir" / "crawl.log"),
    )
    assert result.returncode == 2
    assert "cannot write to" in result.stderr
    assert "No such file or directory" in result.stderr
    assert not database.exists()


def test_a_quiet_demo_prints_one_summary_line(tmp_path: Path) -> None:
    log = tmp_path / "demo.log"
    result = govsocial(
        "demo",
        "--db",
        f"sqlite:///{tmp_path / 'demo.sqlite'}",
        "--quiet",
        "--log-file",
        str(log),
        "--report",
        str(tmp_path / "report"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    (line, report) = result.stdout.splitlines()
    assert line.startswith("run 1: finished in ")
    assert report.startswith("report of run 1 (30 bodies")
    assert report.endswith(f"written: open {(tmp_path / 'report' / 'index.html').as_uri()}")
    assert "INFO: Dumping Scrapy stats" in log.read_text(encoding="utf-8")
