"""Turning a folder of demo sites into a crawlable loopback web: seeds with ports, host map."""

from __future__ import annotations

import csv
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from crawler.demo.server import LOOPBACK, HostBehaviour, load_behaviours, tls_hosts

REPO_DATA = Path(__file__).resolve().parents[2] / "data"
DEMO_DIR = REPO_DATA / "demo"


@dataclass(frozen=True, slots=True)
class LoopbackWeb:
    """A site folder as served on one loopback port: where it lives and how to reach it."""

    sites: Path
    seeds: Path
    behaviours: dict[str, HostBehaviour]

    @classmethod
    def from_dir(cls, directory: Path) -> LoopbackWeb:
        """``directory`` holds ``seeds.csv``, ``sites.toml`` and ``sites/<host>/``."""
        missing = [
            name for name in ("seeds.csv", "sites.toml", "sites") if not (directory / name).exists()
        ]
        if missing:
            raise FileNotFoundError(f"{directory} lacks {', '.join(missing)}")
        return cls(
            directory / "sites", directory / "seeds.csv", load_behaviours(directory / "sites.toml")
        )

    def hosts(self, tls_port: int | None = None) -> dict[str, str]:
        """Every host the web knows, mapped to loopback; with ``tls_port``, the ``tls`` hosts
        (vendors) to that port, which only the rendering browser uses."""
        names = {path.name.lower() for path in self.sites.iterdir() if path.is_dir()}
        names.update(self.behaviours)
        names.update(b.redirect_to.lower() for b in self.behaviours.values() if b.redirect_to)
        hosts = dict.fromkeys(sorted(names), LOOPBACK)
        if tls_port is not None:
            hosts.update(dict.fromkeys(tls_hosts(self.behaviours), f"{LOOPBACK}:{tls_port}"))
        return hosts

    def write_seeds(self, port: int, target: Path, closed: int) -> Path:
        """A copy of the seed file whose URLs point at ``port`` (``closed`` for down hosts)."""
        with self.seeds.open(newline="", encoding="utf-8") as source:
            reader = csv.DictReader(source)
            rows = list(reader)
            fields = reader.fieldnames or []
        for row in rows:
            parts = urlsplit(row["url"])
            host = (parts.hostname or "").lower()
            behaviour = self.behaviours.get(host, HostBehaviour())
            netloc = f"{host}:{closed if behaviour.down else port}"
            row["url"] = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", newline="", encoding="utf-8") as sink:
            writer = csv.DictWriter(sink, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        return target


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])
