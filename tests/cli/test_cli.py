"""The command line, driven in-process: help for everything, clear errors, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from scrapy.settings import Settings

from crawler.cli import main
from crawler.run.crawl import check_settings

FIXTURES = Path(__file__).parent / "fixtures"


def subcommand(group: click.Group, name: str) -> click.Command:
    """A group's subcommand as click resolves it (the top group imports its commands on use)."""
    command = group.get_command(click.Context(group), name)
    assert command is not None, name
    return command


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name in group.list_commands(click.Context(group)):
        command = subcommand(group, name)
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(all_commands(command, (*prefix, name)))
    return found


def test_every_command_module_is_listed_and_loads() -> None:
    names = [path[0] for path in all_commands(main) if len(path) == 1]
    assert names == [
        "analyses",
        "crawl",
        "db",
        "demo",
        "diff",
        "evidence",
        "export",
        "inspect",
        "reanalyse",
        "report",
        "runs",
        "seeds",
        "worker",
    ]


@pytest.mark.parametrize("path", all_commands(main))
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = subcommand(command, name)
    assert (command.help or "").strip()


def test_bad_seed_file_is_refused_with_line_numbers_and_no_traceback(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("id,name,url\n1,A,https://a.de/\n1,B,nope\n", encoding="utf-8")
    db = tmp_path / "db.sqlite"
    result = CliRunner().invoke(main, ["crawl", "--seeds", str(seeds), "--db", f"sqlite:///{db}"])
    assert result.exit_code == 1
    assert "line 3: duplicate id '1' (first on line 2)" in result.output
    assert "line 3: url 'nope' is not a URL" in result.output
    assert "Traceback" not in result.output
    assert not db.exists()  # nothing written either


def test_bad_setting_override_is_a_usage_error(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("id,name,url\n1,A,https://a.de/\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["crawl", "--seeds", str(seeds), "-s", "NOEQUALS"])
    assert result.exit_code == 2
    assert "expected NAME=VALUE" in result.output


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("GOVSOCIAL_MAX_OPEN_BODIES=0", "GOVSOCIAL_MAX_OPEN_BODIES must be at least 1, not 0"),
        ("GOVSOCIAL_ANALYSIS_WORKERS=-1", "GOVSOCIAL_ANALYSIS_WORKERS must be at least 0, not -1"),
        ("GOVSOCIAL_ANALYSIS_WORKERS=two", "must be a whole number, not 'two'"),
    ],
)
def test_unusable_crawl_setting_is_refused_before_a_run_is_opened(
    tmp_path: Path, setting: str, message: str
) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("id,name,url\n1,A,https://a.de/\n", encoding="utf-8")
    db = tmp_path / "db.sqlite"
    args = ["crawl", "--seeds", str(seeds), "--db", f"sqlite:///{db}", "-s", setting]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not db.exists()


def test_usable_crawl_settings_pass_the_check() -> None:
    settings = Settings({"GOVSOCIAL_MAX_OPEN_BODIES": "1", "GOVSOCIAL_ANALYSIS_WORKERS": "0"})
    check_settings(settings)


def test_inspect_prints_findings_as_json() -> None:
    page = FIXTURES / "gemeinde.html"
    result = CliRunner().invoke(main, ["inspect", str(page), "--url", "https://www.beispiel.de/"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["url"] == "https://www.beispiel.de/"
    accounts = {(a["platform"], a["handle"]) for a in document["accounts"]}
    assert accounts == {("facebook", "gemeindebeispiel"), ("x", "gemeindebsp")}
    assert set(document) >= {"accounts", "shares", "trackers", "third_party_hosts"}


def test_inspect_reads_standard_input() -> None:
    html = (FIXTURES / "gemeinde.html").read_bytes()
    result = CliRunner().invoke(
        main, ["inspect", "-", "--url", "https://www.beispiel.de/"], input=html
    )
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["accounts"]) == 2


def test_inspect_requires_the_page_url() -> None:
    result = CliRunner().invoke(main, ["inspect", str(FIXTURES / "gemeinde.html")])
    assert result.exit_code == 2
    assert "--url" in result.output


def test_runs_on_a_new_database_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["runs", "--db", f"sqlite:///{tmp_path / 'new.sqlite'}"])
    assert result.exit_code == 1
    assert "never been crawled into" in result.output


def test_db_upgrade_then_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade", "--db", url]).exit_code == 0
    current = runner.invoke(main, ["db", "current", "--db", url])
    assert current.exit_code == 0
    assert "up to date" in current.output


def test_db_option_reads_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"GOVSOCIAL_DB": url})
    assert result.exit_code == 0
    assert (tmp_path / "env.sqlite").exists()


def test_inspect_matches_a_filter_list(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '<html><head><script src="https://static.hotjar.com/c/hotjar-1.js"></script></head></html>',
        encoding="utf-8",
    )
    filter_list = tmp_path / "list.txt"
    filter_list.write_text("! Title: test\n||hotjar.com^\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "inspect",
            str(page),
            "--url",
            "https://www.beispiel.de/",
            "--filter-list",
            str(filter_list),
        ],
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)["filter_hits"]
    assert [(h["list_name"], h["rule"]) for h in hits] == [("test", "||hotjar.com^")]


def test_unreadable_filter_list_is_refused_before_crawling(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("id,name,url\n1,A,https://a.de/\n", encoding="utf-8")
    filter_list = tmp_path / "list.txt"
    filter_list.write_bytes(b"! Title: \xff\xfe broken\n")
    db = tmp_path / "db.sqlite"
    result = CliRunner().invoke(
        main,
        [
            "crawl",
            "--seeds",
            str(seeds),
            "--db",
            f"sqlite:///{db}",
            "--filter-list",
            str(filter_list),
        ],
    )
    assert result.exit_code == 1
    assert "filter list is not UTF-8" in result.output
    assert not db.exists()
