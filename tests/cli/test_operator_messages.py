"""What an operator's first mistakes print: one clear line and a non-zero exit, never a
traceback; the Scrapy way in; where the database lives by default."""

from __future__ import annotations

import gzip
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from crawler.cli import main
from crawler.cli.group import COMMANDS
from crawler.commands.crawl import govsocial_arguments
from crawler.detection.versions import TRACKER_CATALOGUE_ENV
from db.session import database_url, default_database_path
from tests.conftest import REPO_ROOT
from tests.e2e.conftest import ServedWeb, govsocial

FIXTURE = Path(__file__).parent / "fixtures" / "gemeinde.html"
# Every command that opens the database, with the arguments it needs besides --db.
DATABASE_COMMANDS = [
    ["runs"],
    ["export", "bodies"],
    ["diff", "1", "2"],
    ["analyses", "1"],
    ["reanalyse", "1"],
    ["evidence", "09162000"],
    ["db", "current"],
    ["db", "upgrade"],
]


def bad_databases(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """name -> (--db value, what the one line must say)."""
    a_file = tmp_path / "plain-file"
    a_file.write_text("not a folder")
    return {
        "not-a-url": ("notaurl", "is not a database URL"),
        "under-a-file": (f"sqlite:///{a_file}/x.sqlite", str(a_file)),
        "a-folder": (f"sqlite:///{tmp_path}", "is not usable"),
        "closed-port": ("postgresql+psycopg://nobody@127.0.0.1:1/x", "is not usable"),
    }


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("case", ["not-a-url", "under-a-file", "a-folder", "closed-port"])
def test_an_unusable_database_is_one_line_on_every_command(
    tmp_path: Path, command: list[str], case: str
) -> None:
    url, expected = bad_databases(tmp_path)[case]
    result = CliRunner().invoke(main, [*command, "--db", url])
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert result.output.count("\n") == 1, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


@pytest.mark.postgres
@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=" ".join)
def test_a_postgresql_database_that_does_not_exist_is_one_line(
    postgres_url: str, command: list[str]
) -> None:
    url = make_url(postgres_url).set(database="govsocial_no_such_database")
    result = CliRunner().invoke(main, [*command, "--db", url.render_as_string()])
    assert result.exit_code == 1, result.output
    assert 'database "govsocial_no_such_database" does not exist' in result.output
    assert result.output.count("\n") == 1, result.output


def test_an_output_file_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["export", "bodies", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}", "-o", "/nonexistent/x"],
    )
    assert result.exit_code == 1
    assert result.output.count("\n") == 1, result.output


def inspect(path: Path, url: str = "https://www.gemeinde.de/") -> tuple[int, str]:
    result = CliRunner().invoke(main, ["inspect", str(path), "--url", url])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty; nothing inspected"),
        (os.urandom(4096), "not an HTML page"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(64), "binary data, not an HTML page"),
        (b"%PDF-1.7\n", "pdf data, not an HTML page"),
        (b"Nur ein Satz ohne Markup.\n", "no HTML markup"),
        (b"\x1f\x8b\x08\x00broken", "a broken gzip file"),
    ],
    ids=["empty", "random", "executable", "pdf", "plain-text", "broken-gzip"],
)
def test_inspect_refuses_what_is_not_a_page(tmp_path: Path, content: bytes, expected: str) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(content)
    code, output = inspect(page)
    assert code == 1
    assert expected in output


def test_inspect_reads_a_gzipped_page_as_the_page(tmp_path: Path) -> None:
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(FIXTURE.read_bytes()))
    assert inspect(page) == inspect(FIXTURE)
    assert inspect(page)[0] == 0


def test_inspect_refuses_a_url_that_is_not_one() -> None:
    code, output = inspect(FIXTURE, url="notaurl")
    assert code == 2
    assert "'notaurl' is not a URL" in output


@pytest.mark.parametrize(
    ("seeds", "expected"),
    [
        (None, "no such file"),
        (b"id,name,url\n1,A,not a url\n", "line 2: url 'not a url' is not a URL"),
    ],
    ids=["missing-file", "not-a-url"],
)
def test_seed_file_messages_name_the_real_problem(
    tmp_path: Path, seeds: bytes | None, expected: str
) -> None:
    path = tmp_path / "seeds.csv"
    if seeds is not None:
        path.write_bytes(seeds)
    result = CliRunner().invoke(
        main, ["crawl", "--seeds", str(path), "--db", f"sqlite:///{tmp_path / 'db.sqlite'}"]
    )
    assert result.exit_code == 1
    assert expected in result.output
    assert "line 0" not in result.output


def test_a_catalogue_under_review_that_is_not_valid_is_one_line(tmp_path: Path) -> None:
    catalogue = tmp_path / "trackers.toml"
    catalogue.write_text('[[tracker]]\nid = "nur-ein-eintrag"\n', encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text('<a href="https://www.facebook.com/stadt">Facebook</a>', encoding="utf-8")
    inspect = ("inspect", str(page), "--url", "https://www.stadt.de/")
    result = govsocial(*inspect, env={TRACKER_CATALOGUE_ENV: str(catalogue)})
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: the catalogue in use is not valid ({catalogue}, ")
    assert "Traceback" not in result.stderr
    assert govsocial(*inspect).returncode == 0  # the packaged catalogue: the near-miss


def test_help_texts_carry_no_markup() -> None:
    for name in COMMANDS:
        command = main.get_command(click_context(), name)
        assert command is not None
        paths = [[name]]
        subcommands = getattr(command, "commands", {})
        paths += [[name, sub] for sub in subcommands]
        for path in paths:
            output = CliRunner().invoke(main, [*path, "--help"]).output
            assert "``" not in output, path
            assert ":func:" not in output, path


def click_context() -> object:
    import click  # noqa: PLC0415

    return click.Context(main)


def test_the_default_database_does_not_depend_on_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOVSOCIAL_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    expected = tmp_path / "xdg" / "govsocial" / "govsocial.sqlite"
    monkeypatch.chdir(tmp_path)
    first = database_url()
    monkeypatch.chdir(REPO_ROOT)
    assert database_url() == first == f"sqlite:///{expected}"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    assert default_database_path() == Path.home() / ".local/share/govsocial/govsocial.sqlite"


def test_python_dash_m_crawler_is_govsocial() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "crawler", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "Usage: govsocial" in result.stdout


def test_scrapy_arguments_become_govsocial_crawl_arguments() -> None:
    arguments = govsocial_arguments(
        {"seeds": "s.csv", "max_pages": "3", "allow_private": "yes", "db": "sqlite:///x"},
        ["DOWNLOAD_DELAY=0"],
    )
    assert arguments == [
        "crawl",
        "--seeds",
        "s.csv",
        "--max-pages",
        "3",
        "--db",
        "sqlite:///x",
        "--allow-private",
        "-s",
        "DOWNLOAD_DELAY=0",
    ]


def scrapy(*args: str) -> subprocess.CompletedProcess[str]:
    """``scrapy`` from the project folder, where scrapy.cfg is."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["crawl", "bodies"], "needs a seed list: scrapy crawl bodies -a seeds=FILE"),
        (["crawl", "other"], "this project has one spider, 'bodies'"),
        (["crawl", "bodies", "-a", "seed=x.csv"], "unknown spider argument(s) seed"),
    ],
)
def test_scrapy_crawl_refuses_with_the_right_command(args: list[str], expected: str) -> None:
    result = scrapy(*args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.e2e
def test_scrapy_crawl_bodies_crawls_into_the_database(
    served_web: ServedWeb, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'scrapy.sqlite'}"
    govsocial_args = served_web.crawl_args(tmp_path, db_url)
    seeds = govsocial_args[govsocial_args.index("--seeds") + 1]
    settings = [value for flag, value in itertools.pairwise(govsocial_args) if flag == "-s"]
    result = scrapy(
        "crawl",
        "bodies",
        "-a",
        f"seeds={seeds}",
        "-a",
        f"db={db_url}",
        "-a",
        "max_pages=2",
        "-a",
        "allow_private=1",
        *(part for value in settings for part in ("-s", value)),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "run 1: finished" in result.stdout
    _header, run, *more = govsocial("runs", "--db", db_url).stdout.splitlines()
    assert (run.split()[0], "finished" in run.split(), more) == ("1", True, [])
