"""An archived crawl of the fixture web: valid WARC files, re-analysis and evidence from them."""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator

from crawler.archive.reader import read_file, read_record
from crawler.detection.trackers.catalogue import CATALOGUE_PATH
from crawler.detection.versions import TRACKER_CATALOGUE_ENV
from db.bodyrecords import body_records
from db.figures import breakdown
from tests.e2e.conftest import ServedWeb, govsocial

pytestmark = pytest.mark.e2e

# Findings compared between analyses: every column but the row's and the analysis's ids.
FINDINGS = {
    "social_links": "run_id, body_id, page_id, platform, link_kind, handle, account_type, url, "
    "canonical_url, resolved, element, attribute, evidence, rule",
    "tracker_sightings": "run_id, body_id, page_id, tracker_id, name, vendor, vendor_country, "
    "category, third_country, ids, consent_gated, element, attribute, evidence, rule",
    "third_party_hosts": "run_id, body_id, page_id, host, domain",
}
# A rule added for the test: a script loaded asynchronously. Only Nordheim's homepage has one;
# the other bodies' pages (links, no scripts) are its near-misses.
ADDED_TRACKER = """
[[tracker]]
id = "test-async-loader"
name = "Asynchronous loader (test rule)"
vendor = "test"
vendor_country = "DE"
category = "analytics"
third_country = false
source = "tests/e2e/test_archive.py"
[[tracker.dom]]
tag = "script"
attribute = "async"
"""
NORDHEIM = "01001001"


@dataclass(frozen=True)
class ArchivedCrawl:
    """A finished crawl of the fixture web with --archive: its database file and archive."""

    database: Path
    archive: Path


@pytest.fixture(scope="module")
def archived_crawl(
    served_web: ServedWeb, tmp_path_factory: pytest.TempPathFactory
) -> ArchivedCrawl:
    folder = tmp_path_factory.mktemp("archived")
    database = folder / "crawl.sqlite"
    result = govsocial(
        *served_web.crawl_args(
            folder, f"sqlite:///{database}", "--allow-private", "--archive", str(folder / "warc")
        )
    )
    assert result.returncode == 0, result.stderr
    return ArchivedCrawl(database, folder / "warc")


@pytest.fixture
def crawl_copy(archived_crawl: ArchivedCrawl, tmp_path: Path) -> str:
    """A copy of the crawl's database for a test that adds to it (the archive is shared)."""
    copy = tmp_path / "copy.sqlite"
    shutil.copy(archived_crawl.database, copy)
    return f"sqlite:///{copy}"


def _rows(engine: Engine, sql: str, **params: object) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def _findings(engine: Engine, analysis_id: int) -> dict[str, Counter[tuple[object, ...]]]:
    """Each findings table's rows of one analysis (JSON lists as tuples, as PostgreSQL returns
    lists)."""
    return {
        table: Counter(
            tuple(tuple(value) if isinstance(value, list) else value for value in row)
            for row in _rows(
                engine, f"SELECT {columns} FROM {table} WHERE analysis_id = :a", a=analysis_id
            )
        )
        for table, columns in FINDINGS.items()
    }


def test_archive_is_valid_warc_whose_records_match_the_pages(
    archived_crawl: ArchivedCrawl, engine_for: Callable[[str], Engine]
) -> None:
    engine = engine_for(f"sqlite:///{archived_crawl.database}")
    [(archive_dir,)] = _rows(engine, "SELECT archive_dir FROM crawl_runs")
    assert Path(str(archive_dir)) == archived_crawl.archive.resolve() / "run-000001"
    files = sorted(Path(str(archive_dir)).glob("*.warc.gz"))
    assert files
    types: Counter[str] = Counter()
    for path in files:
        with path.open("rb") as handle:  # warcio reads every record back, digests checked
            for record in ArchiveIterator(handle, check_digests=True):
                types[record.rec_type] += 1
                record.content_stream().read()
        assert read_file(path).partial_at is None
    pages = _rows(
        engine,
        "SELECT url, final_url, content_hash, warc_file, warc_offset, warc_record_id, error "
        "FROM pages ORDER BY id",
    )
    archived = [page for page in pages if page[3] is not None]
    # Every page that was fetched has its record; a failed request has none.
    assert [page[0] for page in pages if page[6] is None and page[3] is None] == []
    assert types["response"] == types["request"] == len(archived) > 5
    for _url, final_url, content_hash, warc_file, offset, record_id, _error in archived:
        record = read_record(Path(str(archive_dir)) / str(warc_file), int(str(offset)))
        assert record.record_type == "response"
        assert record.record_id == record_id
        assert record.target_uri == final_url
        assert hashlib.sha256(record.decoded).hexdigest() == content_hash


def test_reanalysis_with_the_same_catalogue_reproduces_the_crawls_findings(
    crawl_copy: str, engine_for: Callable[[str], Engine]
) -> None:
    result = govsocial("reanalyse", "1", "--db", crawl_copy)
    assert result.returncode == 0, result.stderr
    assert "run 1: analysis 2 stored" in result.stdout
    engine = engine_for(crawl_copy)
    crawl, again = _findings(engine, 1), _findings(engine, 2)
    assert crawl == again
    assert sum(crawl["social_links"].values()) > 0
    assert sum(crawl["tracker_sightings"].values()) > 0
    versions = _rows(engine, "SELECT kind, catalogue_version FROM analyses ORDER BY id")
    assert [kind for kind, _ in versions] == ["crawl", "reanalysis"]
    assert versions[0][1] == versions[1][1]
    assert _rows(engine, "SELECT analysis_id FROM current_analyses") == [(2,)]


def test_a_rule_added_later_is_found_by_the_new_analysis_and_the_old_one_is_kept(
    crawl_copy: str, tmp_path: Path, engine_for: Callable[[str], Engine]
) -> None:
    engine = engine_for(crawl_copy)
    before = _findings(engine, 1)
    catalogue = tmp_path / "trackers.toml"
    catalogue.write_text(CATALOGUE_PATH.read_text("utf-8") + ADDED_TRACKER, "utf-8")

    result = govsocial(
        "reanalyse", "1", "--db", crawl_copy, env={TRACKER_CATALOGUE_ENV: str(catalogue)}
    )
    assert result.returncode == 0, result.stderr

    assert _findings(engine, 1) == before
    added = _rows(
        engine,
        "SELECT analysis_id, body_id FROM tracker_sightings WHERE tracker_id = 'test-async-loader'",
    )
    assert added == [(2, NORDHEIM)]
    # The views read the new analysis: the new tracker is current, the others unchanged.
    history = _rows(engine, "SELECT body_id, tracker_id FROM tracker_history ORDER BY 1, 2")
    assert (NORDHEIM, "test-async-loader") in history
    assert {row for row in history if row[1] != "test-async-loader"} == {
        (body, tracker) for _r, body, _p, tracker, *_rest in before["tracker_sightings"]
    }
    versions = [v for (v,) in _rows(engine, "SELECT catalogue_version FROM analyses ORDER BY id")]
    assert versions[0] != versions[1]
    # The crawl's analysis can still be chosen.
    old = govsocial("export", "trackers", "--run", "1", "--analysis", "1", "--db", crawl_copy)
    assert old.returncode == 0, old.stderr
    assert "test-async-loader" not in old.stdout
    new = govsocial("export", "trackers", "--run", "1", "--db", crawl_copy)
    assert "test-async-loader" in new.stdout


def test_evidence_shows_the_archived_element_of_a_finding(
    archived_crawl: ArchivedCrawl, tmp_path: Path, engine_for: Callable[[str], Engine]
) -> None:
    db_url = f"sqlite:///{archived_crawl.database}"
    result = govsocial(
        "evidence", NORDHEIM, "--tracker", "google-analytics", "--db", db_url,
        "--extract", str(tmp_path / "pages"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [(page_id, record_id, content_hash)] = _rows(
        engine_for(db_url),
        "SELECT p.id, p.warc_record_id, p.content_hash FROM pages p JOIN tracker_sightings t "
        "ON t.page_id = p.id WHERE t.tracker_id = 'google-analytics'",
    )
    assert str(record_id) in result.stdout
    assert (
        '<script async src=">>>https://www.googletagmanager.com/gtag/js?id=G-NORDHEIM01<<<">'
        in result.stdout
    )
    extracted = tmp_path / "pages" / f"{NORDHEIM}-run1-page{page_id}.html"
    assert hashlib.sha256(extracted.read_bytes()).hexdigest() == content_hash

    missing = govsocial("evidence", NORDHEIM, "--tracker", "matomo", "--db", db_url)
    assert missing.returncode == 1
    assert "no tracker matomo of body 01001001 in run 1" in missing.stderr


def test_reanalysis_of_a_run_without_archive_is_refused(
    served_web: ServedWeb, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'plain.sqlite'}"
    crawl = govsocial(*served_web.crawl_args(tmp_path, db_url, "--allow-private"))
    assert crawl.returncode == 0, crawl.stderr
    result = govsocial("reanalyse", "1", "--db", db_url)
    assert result.returncode == 1
    assert "run 1 kept no archive (it was crawled without --archive)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.postgres
def test_reanalysis_and_the_choice_of_analysis_on_postgresql(
    served_web: ServedWeb,
    postgres_database: str,
    tmp_path: Path,
    engine_for: Callable[[str], Engine],
) -> None:
    crawl = govsocial(
        *served_web.crawl_args(
            tmp_path, postgres_database, "--allow-private", "--archive", str(tmp_path / "warc")
        )
    )
    assert crawl.returncode == 0, crawl.stderr
    catalogue = tmp_path / "trackers.toml"
    catalogue.write_text(CATALOGUE_PATH.read_text("utf-8") + ADDED_TRACKER, "utf-8")
    result = govsocial(
        "reanalyse", "1", "--db", postgres_database, env={TRACKER_CATALOGUE_ENV: str(catalogue)}
    )
    assert result.returncode == 0, result.stderr
    engine = engine_for(postgres_database)
    old, new = _findings(engine, 1), _findings(engine, 2)
    assert old["social_links"] == new["social_links"]
    added = new["tracker_sightings"] - old["tracker_sightings"]
    assert [row[1] for row in added] == [NORDHEIM]
    assert [row[3] for row in added] == ["test-async-loader"]
    chosen = govsocial(
        "export", "bodies", "--run", "1", "--analysis", "1", "--db", postgres_database
    )
    assert chosen.returncode == 0, chosen.stderr
    assert "tracker_test-async-loader" not in chosen.stdout
    newest = govsocial("export", "bodies", "--run", "1", "--db", postgres_database)
    assert "tracker_test-async-loader" in newest.stdout
    evidence = govsocial(
        "evidence", NORDHEIM, "--tracker", "test-async-loader", "--db", postgres_database
    )
    assert evidence.returncode == 0, evidence.stderr
    assert "dom script[async]" in evidence.stdout


def test_the_report_reads_a_reanalysed_run_by_its_newest_analysis_only(
    crawl_copy: str, tmp_path: Path, engine_for: Callable[[str], Engine]
) -> None:
    engine = engine_for(crawl_copy)

    def trackers_shown() -> dict[str, dict[str, str]]:
        with Session(engine) as session:
            return {
                record.id: {tracker.tracker_id: tracker.category for tracker in record.trackers}
                for record in body_records(session, 1)
            }

    def bodies_by_category() -> dict[str, int]:
        with Session(engine) as session:
            counted = breakdown(session, 1, "state").total.categories
        return {category: bodies for category, bodies in counted.items() if bodies}

    before = trackers_shown()
    catalogue = tmp_path / "trackers.toml"
    catalogue.write_text(CATALOGUE_PATH.read_text("utf-8") + ADDED_TRACKER, "utf-8")
    added = govsocial(
        "reanalyse", "1", "--db", crawl_copy, env={TRACKER_CATALOGUE_ENV: str(catalogue)}
    )
    assert added.returncode == 0, added.stderr
    assert "test-async-loader" in trackers_shown()[NORDHEIM]
    assert bodies_by_category()["analytics"] > 0
    # The rule withdrawn again: the analysis before, which still has its finding, must not show
    # through the newest one.
    again = govsocial("reanalyse", "1", "--db", crawl_copy)
    assert again.returncode == 0, again.stderr

    assert trackers_shown() == before
    expected = Counter(category for found in before.values() for category in set(found.values()))
    assert bodies_by_category() == dict(expected)
