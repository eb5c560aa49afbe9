"""Shared-run fixtures: worker processes against real PostgreSQL, loopback webs, waiting on rows."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from tests.faults.conftest import QUICK, engine_for, fault_web, rows  # noqa: F401 - fixtures

# Generous: the machine is shared, and every wait ends as soon as its condition holds.
DEADLINE_SECONDS = 240.0
POLL_SECONDS = 0.1
LEASE = "4"  # seconds a silent worker keeps its batches (workers beat four times per lease)


def wait_until(condition: Callable[[], bool], what: str, *processes: Worker) -> None:
    """Block until ``condition`` holds; fail naming ``what`` (and a worker that died) if not."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        for process in processes:
            if process.popen.poll() is not None:
                pytest.fail(f"{process.name} ended ({process.popen.returncode}) before {what}:\n"
                            f"{process.stderr()}")
        time.sleep(POLL_SECONDS)
    pytest.fail(f"not within {DEADLINE_SECONDS} s: {what}")


@dataclass
class Worker:
    """A govsocial process (starter, joiner or worker) in a session of its own."""

    name: str
    popen: subprocess.Popen[bytes]
    err_path: Path
    out_path: Path

    def stderr(self) -> str:
        """What the process wrote to stderr so far."""
        return self.err_path.read_text(encoding="utf-8", errors="replace")

    def stdout(self) -> str:
        """What the process wrote to stdout so far."""
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    def kill_machine(self) -> None:
        """SIGKILL the process and its crawl processes at once, as if its machine vanished."""
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def finish(self) -> int:
        """Wait for the process to end on its own; its exit code."""
        return self.popen.wait(timeout=DEADLINE_SECONDS)


@dataclass
class Workers:
    """Starts govsocial processes for a test and ends those still running afterwards."""

    folder: Path
    started: list[Worker] = field(default_factory=list)

    def start(self, name: str, *args: str) -> Worker:
        """``govsocial ARGS`` in a new session (so a machine's loss can be simulated)."""
        out, err = self.folder / f"{name}.out", self.folder / f"{name}.err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            popen = subprocess.Popen(
                [sys.executable, "-m", "crawler.cli", *args],
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
            )
        worker = Worker(name, popen, err, out)
        self.started.append(worker)
        return worker

    def stop_all(self) -> None:
        """End every process still running (a failed test must not leave workers behind)."""
        for worker in self.started:
            if worker.popen.poll() is None:
                os.killpg(worker.popen.pid, signal.SIGKILL)
                worker.popen.wait(timeout=30)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    """Worker processes of one test, ended afterwards."""
    started = Workers(tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


def shared_args(db_url: str, hosts: str, *extra: str) -> list[str]:
    """Options every process of a shared run in these tests takes."""
    return ["--db", db_url, "--quiet", "--lease", LEASE, "-s", f"GOVSOCIAL_HOSTS={hosts}",
            *QUICK, *extra]


def scalar(engine: Engine, sql: str, **params: object) -> object:
    """The one value ``sql`` returns."""
    return rows(engine, sql, **params)[0][0]


def run_started(engine: Engine) -> bool:
    """Whether a run's batches are queued (the schema and the run exist)."""
    if not inspect(engine).has_table("procrastinate_jobs"):
        return False
    return bool(scalar(engine, "SELECT count(*) FROM procrastinate_jobs"))


class CuttableProxy:
    """A loopback TCP proxy to the database that the test can cut, as a network would."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            sink.close()

    def cut(self) -> None:
        """Refuse new connections and break every open one."""
        self.listener.close()
        with self.lock:
            for connection in self.sockets:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
