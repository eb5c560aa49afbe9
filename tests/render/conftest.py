"""Rendered-tier fixtures: the loopback web of tests/render/server.py and crawls that render it.

Tests marked ``render`` drive the real Chromium (tests/conftest.py decides when they skip).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import engine_for  # noqa: F401 - the fixture, shared
from tests.faults.conftest import FaultWeb, serve_module, write_seeds
from tests.faults.server import LOOPBACK

# Vendor hosts the rendered web answers for; the host map sends the browser to it.
VENDOR_HOSTS = ("www.googletagmanager.com", "connect.facebook.net", "www.facebook.com")
# Short bounds: every fault of the rendered web lasts far longer.
RENDER_QUICK = (
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "RETRY_TIMES=0",
    "-s",
    "GOVSOCIAL_RENDER_IDLE_TIMEOUT=1",
    "-s",
    "GOVSOCIAL_RENDER_LOAD_TIMEOUT=4",
    "-s",
    "GOVSOCIAL_ANALYSIS_WORKERS=0",
)


@dataclass(frozen=True, slots=True)
class RenderWeb(FaultWeb):
    """The running rendered web: its ports (vendors answer on ``https``) and request log."""

    https: int = 0

    def hosts(self) -> dict[str, str]:
        """The host map: sites on the plain port, the vendors' HTTPS names on the TLS port."""
        vendors = dict.fromkeys(VENDOR_HOSTS, f"{LOOPBACK}:{self.https}")
        return {"*.test": LOOPBACK, **vendors}

    def seeds(self, folder: Path, *labels: str) -> Path:
        """A seed file with one body per site label (``chain`` -> www.chain.test)."""
        rows = [(label, f"Gemeinde {label}", self.url(f"www.{label}.test")) for label in labels]
        return write_seeds(folder / "seeds.csv", rows)

    def crawl_args(
        self, seeds: Path, db_url: str, *extra: str, render: str = "homepage"
    ) -> list[str]:
        """``govsocial crawl --render`` arguments for this web, quick bounds included."""
        return ["crawl", "--seeds", str(seeds), "--render", render, *self._common(db_url), *extra]

    def resume_args(self, run_id: int, db_url: str, *extra: str) -> list[str]:
        """``govsocial crawl --resume`` arguments: the run keeps its own render mode."""
        return ["crawl", "--resume", str(run_id), *self._common(db_url), *extra]

    def _common(self, db_url: str) -> list[str]:
        hosts = json.dumps(self.hosts())
        return [
            "--db",
            db_url,
            "--quiet",
            "--allow-private",
            "-s",
            f"GOVSOCIAL_HOSTS={hosts}",
            *RENDER_QUICK,
        ]


@pytest.fixture(scope="session")
def render_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RenderWeb]:
    """The rendered web of tests/render/server.py, served until the session ends."""
    log = tmp_path_factory.mktemp("renderweb") / "requests.log"
    for ports in serve_module("tests.render.server", log):
        yield RenderWeb(ports["http"], 0, log, ports["https"])
