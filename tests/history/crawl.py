"""Crawls fixture web folders into a database through the CLI, as a user would."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.conftest import govsocial, serve

from .conftest import new_database

served = contextmanager(serve)
PORT = re.compile(r"(//[^/:]+):\d+")


def crawl(web_dir: Path, db_url: str, folder: Path) -> None:
    """Serve ``web_dir`` from a subprocess, crawl it once into ``db_url``, stop serving."""
    folder.mkdir(parents=True, exist_ok=True)
    with served(web_dir) as web:
        result = govsocial(*web.crawl_args(folder, db_url, "--allow-private"))
    if result.returncode != 0:
        raise AssertionError(f"crawl of {web_dir} failed:\n{result.stderr}")


def crawled_database(
    backend: str, webs: tuple[Path, ...], request: pytest.FixtureRequest, folder: Path
) -> str:
    """A fresh database on ``backend`` holding one run per web of ``webs``, in order."""
    url = new_database(backend, folder, request)
    for number, web_dir in enumerate(webs, start=1):
        crawl(web_dir, url, folder / f"run{number}")
    return url


def without_port(url: str) -> str:
    """``url`` without its port: each served web listens on a port of its own."""
    return PORT.sub(r"\1", url)
