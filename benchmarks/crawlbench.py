"""End-to-end crawl benchmark: govsocial against a plain Scrapy spider on the same pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from benchmarks.synthweb import WebShape
from db.models import PageFetch
from db.session import make_engine

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class CrawlSettings:
    """The settings both crawlers share: fairness means identical values."""

    concurrency: int = 32
    per_domain: int = 2
    # Scrapy starts this many tasks per response to pass its output on; govsocial's default is 1
    # (crawler/settings.py), and the baseline gets the same so the comparison stays like for like.
    concurrent_items: int = 1
    robots: bool = True
    max_pages: int = 10
    latency_ms: float = 0.0  # the server's delay per answer, standing in for the network
    delay: float = 0.0  # DOWNLOAD_DELAY: seconds between requests to one site
    analysis_workers: int | None = None  # govsocial only; None keeps its default
    max_open_bodies: int | None = None  # govsocial only; None keeps its default

    def scrapy(self) -> dict[str, Any]:
        """As Scrapy settings."""
        return {
            "CONCURRENT_REQUESTS": self.concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": self.per_domain,
            "CONCURRENT_ITEMS": self.concurrent_items,
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": self.delay,
            "DOWNLOAD_DELAY_JITTER": 0,
            "RETRY_TIMES": 0,
            "ROBOTSTXT_OBEY": self.robots,
            "LOG_LEVEL": "WARNING",
        }

    def govsocial(self) -> dict[str, Any]:
        """Settings only govsocial has."""
        own = {
            "GOVSOCIAL_ANALYSIS_WORKERS": self.analysis_workers,
            "GOVSOCIAL_MAX_OPEN_BODIES": self.max_open_bodies,
        }
        return {name: value for name, value in own.items() if value is not None}


@dataclass(frozen=True, slots=True)
class Served:
    """A running benchmark server."""

    process: subprocess.Popen[str]
    port: int
    tls_port: int = 0  # the vendors' HTTPS port of an injected web

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far (user + system)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@contextmanager
def serve(shape: WebShape, latency_ms: float = 0.0) -> Iterator[Served]:
    """Run the synthetic web's server in a subprocess for the duration of the block."""
    command = [sys.executable, "-m", "benchmarks.server", "--bodies", str(shape.bodies)]
    command += ["--page-kb", str(shape.page_kb), "--variants", str(shape.variants)]
    command += ["--latency-ms", str(latency_ms), "--image-kb", str(shape.image_kb)]
    if shape.images is not None:
        command += ["--images", str(shape.images)]
    if shape.injected:
        command.append("--injected")
    if shape.homepages is not None:
        command += ["--homepages", shape.homepages]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        tls_port = int(process.stdout.readline()) if shape.injected else 0
        try:
            yield Served(process, port, tls_port)
        finally:
            process.terminate()
            process.wait(timeout=10)


@dataclass(frozen=True, slots=True)
class CrawlResult:
    """What one measured crawl cost and achieved."""

    mode: str
    pages: int
    elapsed_s: float
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    server_cpu_s: float
    workers_cpu_s: float = 0.0
    workers_peak_rss_mb: float = 0.0
    workers: int = 0
    children_peak_rss_mb: float = 0.0  # every worker's peak and the resource tracker's, summed
    peak_open_files: int = 0  # the crawl process's, sampled every 0.5 s

    @property
    def total_cpu_s(self) -> float:
        """CPU time of the crawl process and its analysis workers."""
        return self.cpu_s + self.workers_cpu_s

    @property
    def total_peak_rss_mb(self) -> float:
        """Crawl process plus each of its children at its own peak: an upper bound, since the
        peaks need not coincide."""
        return self.peak_rss_mb + self.children_peak_rss_mb

    @property
    def pages_per_s(self) -> float:
        """Pages (robots.txt excluded) per second of Scrapy's crawl time."""
        return self.pages / self.elapsed_s if self.elapsed_s else 0.0


def child_command(mode: str, spec: dict[str, Any], folder: Path) -> tuple[dict, list[str]]:
    """The spec completed with its mode and output files, written to ``folder``, and the
    command that runs it in ``benchmarks.child``."""
    spec = {
        **spec,
        "mode": mode,
        "stats": str(folder / f"{mode}.stats.json"),
        "result": str(folder / f"{mode}.result.json"),
    }
    spec_file = folder / f"{mode}.spec.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    return spec, [sys.executable, "-m", "benchmarks.child", str(spec_file)]


def run_child(mode: str, spec: dict[str, Any], folder: Path, served: Served) -> CrawlResult:
    """Run one crawl in a subprocess and collect its figures."""
    spec, command = child_command(mode, spec, folder)
    server_before = served.cpu_seconds()
    subprocess.run(command, check=True)
    server_cpu = served.cpu_seconds() - server_before
    stats = json.loads(Path(spec["stats"]).read_text(encoding="utf-8"))
    result = json.loads(Path(spec["result"]).read_text(encoding="utf-8"))
    responses = stats.get("downloader/response_count", 0)
    return CrawlResult(
        mode=mode,
        pages=responses - stats.get("robotstxt/response_count", 0),
        elapsed_s=stats["elapsed_time_seconds"],
        wall_s=result["wall_s"],
        cpu_s=result["cpu_user_s"] + result["cpu_system_s"],
        peak_rss_mb=result["peak_rss_mb"],
        server_cpu_s=server_cpu,
        workers_cpu_s=result.get("workers_cpu_s", 0.0),
        workers_peak_rss_mb=result.get("workers_peak_rss_mb", 0.0),
        workers=result.get("workers", 0),
        children_peak_rss_mb=result.get("children_peak_rss_mb", 0.0),
        peak_open_files=result.get("peak_open_files", 0),
    )


def fetched_pages(db_url: str) -> dict[str, list[str]]:
    """Homepage URL -> the other URLs govsocial fetched for that body, in fetch order."""
    engine = make_engine(db_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(PageFetch.body_id, PageFetch.url, PageFetch.depth)
            .where(PageFetch.error.is_(None))
            .order_by(PageFetch.id)
        ).all()
    engine.dispose()
    homepages = {body: url for body, url, depth in rows if depth == 0}
    pages: dict[str, list[str]] = {url: [] for url in homepages.values()}
    for body, url, depth in rows:
        if depth > 0:
            pages[homepages[body]].append(url)
    return pages


def govsocial_spec(shape: WebShape, settings: CrawlSettings, folder: Path, port: int) -> dict:
    """The child spec of a govsocial crawl of ``shape`` into a fresh SQLite file."""
    database = folder / "govsocial.sqlite"
    for stale in folder.glob("govsocial.sqlite*"):
        stale.unlink()
    return {
        "seeds": str(shape.write_seeds(port, folder / "seeds.csv")),
        "db_url": f"sqlite:///{database}",
        "max_pages": settings.max_pages,
        "settings": settings.scrapy() | settings.govsocial(),
        "hosts": shape.host_map(LOOPBACK),
    }


def compare(shape: WebShape, settings: CrawlSettings, folder: Path) -> list[CrawlResult]:
    """govsocial's crawl, then the baseline over exactly the pages govsocial fetched."""
    folder.mkdir(parents=True, exist_ok=True)
    with serve(shape, settings.latency_ms) as served:
        spec = govsocial_spec(shape, settings, folder, served.port)
        ours = run_child("govsocial", spec, folder, served)
        pages_file = folder / "pages.json"
        pages_file.write_text(json.dumps(fetched_pages(spec["db_url"])), encoding="utf-8")
        baseline_spec = {**spec, "pages": str(pages_file)}
        theirs = run_child("baseline", baseline_spec, folder, served)
    return [ours, theirs]


def govsocial_only(shape: WebShape, settings: CrawlSettings, folder: Path) -> CrawlResult:
    """One govsocial crawl (for memory runs)."""
    folder.mkdir(parents=True, exist_ok=True)
    with serve(shape, settings.latency_ms) as served:
        return run_child(
            "govsocial", govsocial_spec(shape, settings, folder, served.port), folder, served
        )
