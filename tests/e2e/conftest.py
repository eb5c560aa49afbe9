"""End-to-end fixtures: a fixture web served by a subprocess, and the CLI run in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine

from crawler.demo.web import LoopbackWeb, closed_port
from db.session import make_engine

WEB_DIR = Path(__file__).parent / "web"
FAST = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0")


@dataclass(frozen=True, slots=True)
class ServedWeb:
    """A fixture web being served, and how to crawl it."""

    web: LoopbackWeb
    port: int
    tls_port: int | None = None
    closed: int = field(default_factory=closed_port)

    def seeds(self, folder: Path) -> Path:
        """A seed file pointing at the server's port."""
        return self.web.write_seeds(self.port, folder / "seeds.csv", self.closed)

    def crawl_args(self, folder: Path, db_url: str, *extra: str) -> list[str]:
        """``govsocial crawl`` arguments for this web, fast settings included."""
        return [
            "crawl",
            "--seeds",
            str(self.seeds(folder)),
            "--db",
            db_url,
            "--quiet",
            "-s",
            f"GOVSOCIAL_HOSTS={json.dumps(self.web.hosts(self.tls_port))}",
            *FAST,
            *extra,
        ]


def serve(directory: Path) -> Iterator[ServedWeb]:
    """Serve a web folder from a subprocess until the fixture ends."""
    web = LoopbackWeb.from_dir(directory)
    command = [sys.executable, "-m", "crawler.demo.server", "--root", str(web.sites)]
    command += ["--manifest", str(directory / "sites.toml")]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as server:
        assert server.stdout is not None
        try:
            ports = json.loads(server.stdout.readline())
            yield ServedWeb(web, ports["http"], ports["https"])
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture(scope="session")
def served_web() -> Iterator[ServedWeb]:
    """The end-to-end fixture web of tests/e2e/web."""
    yield from serve(WEB_DIR)


def govsocial(
    *args: str, timeout: float = 180, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a subprocess (the Twisted reactor starts once per process), with ``env``
    added to this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def engine_for() -> Iterator[type[Engine] | object]:
    """Open engines on demand and dispose of them after the test."""
    engines: list[Engine] = []

    def open_engine(url: str) -> Engine:
        engine = make_engine(url)
        engines.append(engine)
        return engine

    yield open_engine
    for engine in engines:
        engine.dispose()
