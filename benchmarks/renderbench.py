"""The rendered tier against a plain Playwright loop, on the synthetic web with injected trackers.

Each measured run is a subprocess (``benchmarks.child``): ``govsocial crawl --render homepage``
through ``run_crawl`` with ``--max-pages 1``, or the loop of ``benchmarks/plainbrowser.py`` over
the same homepages. While it runs, this process samples the run's process tree from /proc: the
CPU time of every descendant (analysis workers, Playwright's driver, Chromium's processes) and
the proportional set size (``Pss`` of ``/proc/PID/smaps_rollup``) of Chromium's processes, which,
unlike RSS, does not count the pages they share more than once. Sampling, not the kernel's sums
for reaped children: Chromium's processes are not all reaped up the chain to the measured
process (its ``RUSAGE_CHILDREN`` saw 21 of the 50 CPU seconds sampled in a trial run), and a
process's last fraction of a sampling interval is missed, so the CPU figures are a lower bound.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from benchmarks.crawlbench import (
    CLOCK_TICKS,
    LOOPBACK,
    CrawlSettings,
    child_command,
    govsocial_spec,
    serve,
)
from benchmarks.synthweb import WebShape
from crawler.render.config import (
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_LOAD_TIMEOUT,
    DEFAULT_RENDER_PAGES,
    RENDER_IDLE_SETTING,
    RENDER_LEAVES_SETTING,
    RENDER_LOAD_SETTING,
    RENDER_PAGES_SETTING,
    find_chromium,
)
from crawler.render.gate import LEAVES_DOWNLOAD, LEAVES_SKIP
from db.models import BrowserCookie, HttpRequest, RenderedPage, RenderedTracker
from db.session import make_engine

CPU_EVERY = 0.2  # seconds between CPU samples of the process tree
PSS_EVERY = 5  # a PSS sample every this many CPU samples (smaps_rollup walks page tables)
PLAYWRIGHT = "playwright"
GOVSOCIAL = "govsocial"


@dataclass(frozen=True, slots=True)
class RenderRun:
    """What both sides share: pages at once and the bounds of a visit; govsocial's leaf mode."""

    pages_at_once: int = DEFAULT_RENDER_PAGES
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT
    load_timeout: float = DEFAULT_LOAD_TIMEOUT
    leaves: str = LEAVES_SKIP
    robots: bool = True
    analysis_workers: int | None = None


@dataclass
class TreeSample:
    """What the sampler saw of one run's process tree."""

    # (pid, start time) -> (kind, last CPU seconds seen): a pid may be reused in a long run.
    cpu: dict[tuple[int, int], tuple[str, float]] = field(default_factory=dict)
    pss_mb: list[float] = field(default_factory=list)  # Chromium's, one value per PSS sample

    def cpu_by_kind(self) -> dict[str, float]:
        """CPU seconds per kind of descendant: driver, chromium, workers."""
        totals = {"driver": 0.0, "chromium": 0.0, "workers": 0.0}
        for kind, seconds in self.cpu.values():
            totals[kind] += seconds
        return totals

    @property
    def pss_peak_mb(self) -> float:
        """The most Chromium held at once."""
        return max(self.pss_mb, default=0.0)

    @property
    def pss_end_mb(self) -> float:
        """Chromium's PSS at the end of the run: the highest sample of its last tenth (the very
        last samples catch the browser closing)."""
        tail = self.pss_mb[-max(1, len(self.pss_mb) // 10) :]
        return max(tail, default=0.0)


def _stat(pid: int) -> tuple[int, int, float] | None:
    """Parent pid, start time (ticks) and CPU seconds (user + system) of ``pid``."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None  # ended while we looked
    return int(fields[1]), int(fields[19]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _kind(pid: int) -> str:
    """By the executable, not the name: Chromium starts some helpers as ``/proc/self/exe``."""
    try:
        executable = Path(os.readlink(f"/proc/{pid}/exe")).name
    except OSError:
        return "workers"
    if executable.startswith("chrom"):  # chromium, chrome_crashpad_handler
        return "chromium"
    return "driver" if executable == "node" else "workers"


def _pss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _descendants(root: int) -> dict[int, tuple[int, float]]:
    """Every live descendant of ``root``: pid -> (start time, CPU seconds)."""
    children: dict[int, list[int]] = {}
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                children.setdefault(stat[0], []).append(int(entry.name))
                stats[int(entry.name)] = stat[1:]
    found: dict[int, tuple[int, float]] = {}
    stack = list(children.get(root, ()))
    while stack:
        pid = stack.pop()
        if pid in stats:
            found[pid] = stats[pid]
        stack.extend(children.get(pid, ()))
    return found


def watch_tree(root: int, sample: TreeSample, stop: threading.Event) -> None:
    """Sample ``root``'s descendants until ``stop``: CPU of each, PSS of Chromium's."""
    tick = 0
    kinds: dict[tuple[int, int], str] = {}
    while not stop.wait(CPU_EVERY):
        live = _descendants(root)
        chromium = []
        for pid, (start, seconds) in live.items():
            key = (pid, start)
            kind = kinds.setdefault(key, _kind(pid))
            sample.cpu[key] = (kind, seconds)
            if kind == "chromium":
                chromium.append(pid)
        if tick % PSS_EVERY == 0 and chromium:
            sample.pss_mb.append(sum(_pss_mb(pid) for pid in chromium))
        tick += 1


@dataclass(frozen=True, slots=True)
class Findings:
    """What a govsocial run found on its rendered pages, as sets comparable between runs."""

    trackers: frozenset[tuple[str, str, str]]  # body, tracker id, seen_in
    cookies: frozenset[tuple[str, str, str, bool, str, str]]  # body, name, domain, 3rd, by, refused
    third_party_hosts: frozenset[tuple[str, str]]  # body, host


def read_findings(db_url: str) -> tuple[int, int, int, Findings]:
    """Rendered pages (ok, failed), requests recorded and not downloaded, and the findings of
    the one run in ``db_url``."""
    engine = make_engine(db_url)
    with engine.connect() as connection:
        rendered = dict(
            connection.execute(
                select(RenderedPage.error.is_(None), func.count()).group_by(
                    RenderedPage.error.is_(None)
                )
            ).all()
        )
        trackers = connection.execute(
            select(RenderedTracker.body_id, RenderedTracker.tracker_id, RenderedTracker.seen_in)
        ).all()
        cookies = connection.execute(
            select(
                BrowserCookie.body_id,
                BrowserCookie.name,
                BrowserCookie.domain,
                BrowserCookie.third_party,
                BrowserCookie.set_by,
                func.coalesce(BrowserCookie.refused, ""),
            )
        ).all()
        hosts = connection.execute(
            select(HttpRequest.body_id, HttpRequest.host).where(HttpRequest.third_party)
        ).all()
        not_downloaded = connection.execute(
            select(func.count()).where(HttpRequest.blocked == "not_downloaded")
        ).scalar_one()
    engine.dispose()
    findings = Findings(
        frozenset(map(tuple, trackers)),  # type: ignore[arg-type]
        frozenset(map(tuple, cookies)),  # type: ignore[arg-type]
        frozenset(map(tuple, hosts)),  # type: ignore[arg-type]
    )
    return rendered.get(True, 0), rendered.get(False, 0), not_downloaded, findings


@dataclass(frozen=True, slots=True)
class RenderResult:
    """One measured run: pages rendered, time, CPU of the whole tree, Chromium's PSS."""

    label: str
    pages: int
    failed: int
    elapsed_s: float
    process_cpu_s: float
    driver_cpu_s: float
    chromium_cpu_s: float
    workers_cpu_s: float
    pss_peak_mb: float
    pss_end_mb: float
    findings: Findings | None = None
    not_downloaded: int = 0  # requests the gate recorded and did not let load

    @property
    def cpu_s(self) -> float:
        """CPU seconds of the process and every descendant."""
        return self.process_cpu_s + self.driver_cpu_s + self.chromium_cpu_s + self.workers_cpu_s

    @property
    def pages_per_s(self) -> float:
        """Rendered pages per second, from the browser's launch to its close (govsocial: the
        crawl's elapsed time, its static fetches included)."""
        return self.pages / self.elapsed_s if self.elapsed_s else 0.0


@contextmanager
def injected_web(shape: WebShape) -> Iterator[tuple[int, dict[str, str]]]:
    """The synthetic web with injected trackers: its plain port and the browser's host map."""
    with serve(shape) as served:
        hosts = {**shape.host_map(LOOPBACK), **shape.vendor_host_map(LOOPBACK, served.tls_port)}
        yield served.port, hosts


def _spec(
    side: str, shape: WebShape, run: RenderRun, folder: Path, port: int, hosts: dict[str, str]
) -> dict[str, Any]:
    chromium = find_chromium()
    if side == PLAYWRIGHT:
        pages = folder / "homepages.json"
        urls = [f"http://{shape.host(index)}:{port}/" for index in range(shape.bodies)]
        pages.write_text(json.dumps(urls), encoding="utf-8")
        return {
            "pages": str(pages),
            "chromium": chromium,
            "hosts": hosts,
            "pages_at_once": run.pages_at_once,
            "load_timeout": run.load_timeout,
            "idle_timeout": run.idle_timeout,
        }
    settings = CrawlSettings(max_pages=1, robots=run.robots, analysis_workers=run.analysis_workers)
    spec = govsocial_spec(shape, settings, folder, port)
    spec["settings"] |= {
        RENDER_PAGES_SETTING: run.pages_at_once,
        RENDER_IDLE_SETTING: run.idle_timeout,
        RENDER_LOAD_SETTING: run.load_timeout,
        RENDER_LEAVES_SETTING: run.leaves,
    }
    return {**spec, "hosts": hosts, "render": "homepage", "chromium": chromium}


def measure(
    side: str,
    label: str,
    shape: WebShape,
    run: RenderRun,
    folder: Path,
    port: int,
    hosts: dict[str, str],
) -> RenderResult:
    """One run of ``side`` (govsocial or the Playwright loop) in a subprocess, watched."""
    folder.mkdir(parents=True, exist_ok=True)
    spec, command = child_command(side, _spec(side, shape, run, folder, port, hosts), folder)
    sample, stop = TreeSample(), threading.Event()
    with subprocess.Popen(command) as child:
        watcher = threading.Thread(target=watch_tree, args=(child.pid, sample, stop), daemon=True)
        watcher.start()
        returncode = child.wait()
    stop.set()
    watcher.join()
    if returncode != 0:
        raise RuntimeError(f"the {label} run failed ({returncode}); see {folder}")
    stats = json.loads(Path(spec["stats"]).read_text(encoding="utf-8"))
    result = json.loads(Path(spec["result"]).read_text(encoding="utf-8"))
    findings, not_downloaded = None, 0
    if side == PLAYWRIGHT:
        pages, failed = stats["rendered_pages"], stats["failed_pages"]
    else:
        pages, failed, not_downloaded, findings = read_findings(spec["db_url"])
    cpu = sample.cpu_by_kind()
    return RenderResult(
        label=label,
        pages=pages,
        failed=failed,
        elapsed_s=stats["elapsed_time_seconds"],
        process_cpu_s=result["cpu_user_s"] + result["cpu_system_s"],
        driver_cpu_s=cpu["driver"],
        chromium_cpu_s=cpu["chromium"],
        workers_cpu_s=cpu["workers"],
        pss_peak_mb=sample.pss_peak_mb,
        pss_end_mb=sample.pss_end_mb,
        findings=findings,
        not_downloaded=not_downloaded,
    )


def sides(leaves: bool, plain: bool = True) -> list[tuple[str, str, str]]:
    """(side, label, leaf mode) of each run in a round, in the order they alternate."""
    runs = [(GOVSOCIAL, "govsocial", LEAVES_SKIP)]
    if plain:
        runs.append((PLAYWRIGHT, "plain Playwright", LEAVES_SKIP))
    if leaves:
        runs.append((GOVSOCIAL, "govsocial, leaves downloaded", LEAVES_DOWNLOAD))
    return runs


def compare(
    shape: WebShape, run: RenderRun, folder: Path, rounds: int, leaves: bool, plain: bool = True
) -> Iterator[RenderResult]:
    """Alternate govsocial and the Playwright loop (and govsocial downloading its leaves) over
    the same homepages, ``rounds`` times; each result as it comes."""
    with injected_web(shape) as (port, hosts):
        for number in range(1, rounds + 1):
            for side, label, leaf_mode in sides(leaves, plain):
                place = folder / f"round-{number}-{side}-{leaf_mode}"
                setting = replace(run, leaves=leaf_mode)
                yield measure(side, label, shape, setting, place, port, hosts)
