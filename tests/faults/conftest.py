"""Fault fixtures: the hostile web served from a subprocess, seed files for it, crawl helpers."""

from __future__ import annotations

import csv
import http.client
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.e2e.conftest import FAST, engine_for  # noqa: F401 - the fixture, shared

LOOPBACK = "127.0.0.1"
# Short bounds so the whole fault suite stays fast; the faults themselves are far longer.
QUICK = (
    *FAST,
    "-s",
    "DOWNLOAD_TIMEOUT=5",
    "-s",
    "DOWNLOAD_MAXSIZE=1048576",
    "-s",
    "DOWNLOAD_WARNSIZE=0",
    "-s",
    "GOVSOCIAL_BODY_TIMEOUT=12",
    # One item per transaction: interrupt and database-fault tests watch rows arrive one by one.
    "-s",
    "GOVSOCIAL_DB_BATCH=1",
)


@dataclass(frozen=True, slots=True)
class FaultWeb:
    """The running fault server: its ports and its request log."""

    http: int
    not_tls: int
    log: Path

    def url(self, host: str, path: str = "/") -> str:
        """``http://host:port/path`` on the fault server."""
        return f"http://{host}:{self.http}{path}"

    def release(self, label: str) -> None:
        """Let the held host ``www.<label>.de`` answer (see ``held`` in tests/faults/server.py)."""
        connection = http.client.HTTPConnection(LOOPBACK, self.http, timeout=10)
        try:
            connection.request("GET", f"/{label}", headers={"Host": "www.freigabe.de"})
            assert connection.getresponse().status == 200
        finally:
            connection.close()

    def requests(self) -> list[tuple[str, str]]:
        """Every ``(host, path)`` requested so far."""
        if not self.log.exists():
            return []
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [(host, path) for host, _, path in (line.partition(" ") for line in lines)]


@pytest.fixture(scope="session")
def fault_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultWeb]:
    """The hostile web of tests/faults/server.py, served until the session ends."""
    log = tmp_path_factory.mktemp("faultweb") / "requests.log"
    for ports in serve_module("tests.faults.server", log):
        yield FaultWeb(ports["http"], ports["not_tls"], log)


def serve_module(module: str, log: Path) -> Iterator[dict[str, int]]:
    """Run a test server module in a subprocess; yield the ports it prints, then stop it."""
    command = [sys.executable, "-m", module, "--log", str(log)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as server:
        assert server.stdout is not None
        try:
            yield json.loads(server.stdout.readline())
        finally:
            server.terminate()
            server.wait(timeout=10)


def write_seeds(path: Path, seeds: list[tuple[str, str, str]]) -> Path:
    """A seed CSV of ``(id, name, url)`` rows."""
    with path.open("w", newline="", encoding="utf-8") as sink:
        writer = csv.writer(sink)
        writer.writerow(["id", "name", "url"])
        writer.writerows(seeds)
    return path


def host_map(seeds: list[tuple[str, str, str]], *extra: str) -> str:
    """``-s GOVSOCIAL_HOSTS=`` value mapping every seed host (and ``extra``) to loopback."""
    names = {url.split("/")[2].rsplit(":", 1)[0] for _, _, url in seeds} | set(extra)
    names |= {f"www.neu-{name.removeprefix('www.')}" for name in names}
    return json.dumps(dict.fromkeys(sorted(names), LOOPBACK))


def crawl_args(seeds: Path, db_url: str, hosts: str, *extra: str) -> list[str]:
    """``govsocial crawl`` arguments with quick bounds."""
    return ["crawl", "--seeds", str(seeds), *_common(db_url, hosts), *extra]


def resume_args(run_id: int, db_url: str, hosts: str, *extra: str) -> list[str]:
    """``govsocial crawl --resume`` arguments with quick bounds."""
    return ["crawl", "--resume", str(run_id), *_common(db_url, hosts), *extra]


def _common(db_url: str, hosts: str) -> list[str]:
    return ["--db", db_url, "--quiet", "-s", f"GOVSOCIAL_HOSTS={hosts}", *QUICK]


def rows(engine: Engine, sql: str, **params: object) -> list[tuple[object, ...]]:
    """Result rows of ``sql`` as tuples."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]
