"""An empty database, every site down, a hostile body: the report stays right and inert."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.session import make_engine, make_sessionmaker
from tests.history.cli import invoke
from tests.history.factory import DatasetFactory

from .conftest import ReportPage

HOSTILE_NAME = '<script>alert("name")</script><img src=x onerror=alert(1)>'
HOSTILE_EVIDENCE = "</script><script>alert(4)</script>"


def _write(url: str, folder: Path, *args: str) -> ReportPage:
    result = invoke(url, "report", "-o", str(folder), *args)
    assert result.exit_code == 0, result.output
    assert "written: open file://" in result.output
    return ReportPage(folder)


def all_down(url: str) -> None:
    """One finished run in which no site answered."""
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        make = DatasetFactory(session)
        run = make.run("2024-03-01")
        for body_id, name in (("09162000", "München"), ("15001000", "Dessau-Roßlau")):
            make.visit(run, make.body(body_id, name), reachable=False)
        session.commit()
    engine.dispose()


def hostile(url: str) -> None:
    """A run whose body, account and tracker carry markup and a javascript: URL."""
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        make = DatasetFactory(session)
        run = make.run("2024-03-01")
        body = make.body("09162000", HOSTILE_NAME)
        make.visit(run, body)
        account = make.account(run, body, "facebook", "muenchen")
        account.url = account.canonical_url = "javascript:alert(3)"
        account.evidence = HOSTILE_EVIDENCE
        tracker = make.tracker(run, body, "matomo")
        tracker.name = "<svg onload=alert(5)>"
        tracker.evidence = HOSTILE_EVIDENCE
        session.commit()
    engine.dispose()


def test_an_empty_database_gets_a_report_saying_there_is_no_run(
    migrated_url: str, tmp_path: Path
) -> None:
    page = _write(migrated_url, tmp_path / "report")
    assert page.page.css("#no-run")
    assert not (page.folder / "data" / "bodies.js").exists()
    second = invoke(migrated_url, "report", "-o", str(tmp_path / "r2"))
    assert "no finished run yet" in second.output


def test_an_unknown_run_is_a_one_line_error(migrated_url: str, tmp_path: Path) -> None:
    result = invoke(migrated_url, "report", "--run", "99", "-o", str(tmp_path / "report"))
    assert result.exit_code == 1
    assert result.output.strip() == "Error: no run with id 99"
    assert not (tmp_path / "report").exists()


def test_a_missing_database_is_a_one_line_error(tmp_path: Path) -> None:
    result = invoke(f"sqlite:///{tmp_path / 'none.sqlite'}", "report", "-o", str(tmp_path / "r"))
    assert result.exit_code == 1
    assert "no database at" in result.output
    assert not (tmp_path / "none.sqlite").exists()


def test_a_run_with_every_site_down_has_no_shares_and_only_outages(
    migrated_url: str, tmp_path: Path
) -> None:
    all_down(migrated_url)
    page = _write(migrated_url, tmp_path / "report")
    cells = page.cells("by-land")
    assert cells["Bayern", "reached"] == (0, None)
    assert cells["Bayern", "with_account"] == (0, 0)
    assert cells["<total>", "with_tracker"] == (0, 0)
    assert page.page.css("dl.key-figures dd[data-metric=with_account]::text").get() == "– (0 von 0)"
    assert set(page.page.css("svg.map path::attr(fill)").getall()) == {"#d9d9d9"}
    rows = page.script_data("data/bodies.js")
    assert [(row[0], row[4], row[6], row[7]) for row in rows] == [
        ("09162000", "never_reached", 0, 0),
        ("15001000", "never_reached", 0, 0),
    ]


def test_a_hostile_body_stays_text_everywhere(migrated_url: str, tmp_path: Path) -> None:
    hostile(migrated_url)
    page = _write(migrated_url, tmp_path / "report")
    assert "<script>alert" not in page.html
    assert "<img src=x" not in page.html
    for data in (page.folder / "data").rglob("*.js"):
        assert "<" not in data.read_text(encoding="utf-8"), data
    detail = page.script_data("data/bodies/0000.js")["09162000"]
    # Kept as data; report.js makes links of http(s) URLs only.
    assert detail["accounts"][0][2] == "javascript:alert(3)"
    assert detail["trackers"][0][12] == HOSTILE_EVIDENCE
    assert page.script_data("data/bodies.js")[0][1] == HOSTILE_NAME


def test_a_folder_that_is_not_a_report_is_refused(migrated_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep me", encoding="utf-8")
    result = invoke(migrated_url, "report", "-o", str(folder))
    assert result.exit_code == 1
    assert "is not a govsocial report" in result.output
    assert [path.name for path in folder.iterdir()] == ["mine.txt"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_second_report_replaces_the_first(migrated_url: str, tmp_path: Path, lang: str) -> None:
    all_down(migrated_url)
    folder = tmp_path / "report"
    _write(migrated_url, folder)
    (folder / "data" / "bodies" / "9999.js").write_text("stale", encoding="utf-8")
    page = _write(migrated_url, folder, "--lang", lang)
    assert not (folder / "data" / "bodies" / "9999.js").exists()
    assert f'<html lang="{lang}">' in page.html
    assert not list(tmp_path.glob("report.*"))
