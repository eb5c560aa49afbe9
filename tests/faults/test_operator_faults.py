"""Operator mistakes refused before anything is crawled or written; private addresses refused."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from sqlalchemy import Engine

from crawler.cli import main
from crawler.net.guard import PrivateAddressMiddleware, PrivateAddressRefused
from tests.e2e.conftest import govsocial
from tests.faults.conftest import FaultWeb, crawl_args, rows, write_seeds

HEADER = b"id,name,url\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"id,name\n1,A\n", "line 1: missing required column(s): url"),
        (HEADER + b"1,A,http://www.a.de/\n1,B,http://www.b.de/\n", "line 3: duplicate id '1'"),
        (HEADER + b"1,A,http://www.a.de/\n2,B,ftp://www.b.de/\n", "line 3: url 'ftp://"),
        (HEADER + b"1,A,http://www.a.de/\n2,B,www.b.de\n", "line 3: url 'www.b.de' must start"),
        (b"", "line 1: file is empty"),
        (
            HEADER + b"1,A,http://www.a.de/\n2,M\xfcnchen,http://www.m.de/\n",
            "line 3: file is not UTF-8",
        ),
    ],
    ids=["missing-column", "duplicate-id", "bad-scheme", "no-scheme", "empty", "latin1"],
)
def test_bad_seed_file_is_refused_with_its_line_and_nothing_is_written(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_bytes(content)
    database = tmp_path / "untouched.sqlite"
    result = CliRunner().invoke(
        main, ["crawl", "--seeds", str(seeds), "--db", f"sqlite:///{database}", "--quiet"]
    )
    assert result.exit_code == 1
    assert "nothing was crawled" in result.output
    assert expected in result.output
    assert not database.exists()


def test_crawl_without_seeds_or_resume_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["crawl", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"])
    assert result.exit_code == 2
    assert "give --seeds FILE, or --resume RUN" in result.output


def test_resume_of_an_unknown_run_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "none.sqlite"
    result = CliRunner().invoke(main, ["crawl", "--resume", "7", "--db", f"sqlite:///{database}"])
    assert result.exit_code == 1
    assert "there is no run 7 in this database" in result.output


@pytest.mark.e2e
def test_private_addresses_are_refused_without_a_single_request(
    fault_web: FaultWeb, tmp_path: Path, engine_for: Callable[[str], Engine]
) -> None:
    seeds = [
        ("metadata", "Metadaten", "http://169.254.169.254/latest/meta-data/"),
        ("kurz", "Kurzform", "http://127.1/"),
        ("gemappt", "IPv4 in IPv6", "http://[::ffff:127.0.0.1]/"),
        ("intern", "Intern", "http://www.intern.de/"),
        ("loopback", "Loopback-Name", fault_web.url("www.gesund-privat.de")),
    ]
    hosts = json.dumps({"www.intern.de": "10.1.2.3", "www.gesund-privat.de": "127.0.0.1"})
    db_url = f"sqlite:///{tmp_path / 'private.sqlite'}"
    result = govsocial(*crawl_args(write_seeds(tmp_path / "seeds.csv", seeds), db_url, hosts))
    assert result.returncode == 0, result.stderr
    outcomes = rows(engine_for(db_url), "SELECT body_id, outcome FROM body_visits ORDER BY body_id")
    assert outcomes == [
        ("gemappt", "refused_private"),
        ("intern", "refused_private"),
        ("kurz", "refused_private"),
        ("loopback", "refused_private"),
        ("metadata", "refused_private"),
    ]
    assert not [host for host, _ in fault_web.requests() if host == "www.gesund-privat.de"]


def test_redirect_to_the_metadata_address_is_refused() -> None:
    crawler = get_crawler(settings_dict={"REDIRECT_ENABLED": True})
    redirects = RedirectMiddleware.from_crawler(crawler)
    start = Request("http://www.stadt.de/")
    response = HtmlResponse(
        start.url, status=302, headers={"Location": "http://169.254.169.254/latest/"}, request=start
    )
    redirected = redirects.process_response(start, response)
    assert isinstance(redirected, Request)
    with pytest.raises(PrivateAddressRefused, match=r"169\.254\.169\.254 is not a public address"):
        asyncio.run(PrivateAddressMiddleware(allow_private=False).process_request(redirected))
