"""One measured crawl in its own process (Twisted's reactor starts once per process).

``python -m benchmarks.child SPEC.json`` runs govsocial's crawl (``run_crawl``, the code behind
``govsocial crawl``), the baseline spider or the plain Playwright loop, then writes wall time,
CPU time and peak RSS of this process and of its analysis workers, and the most files it held
open, to the spec's ``result`` file. Scrapy's own stats (the loop's counts) go to the spec's
``stats`` file.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

WATCH_SECONDS = 0.5


def _multiprocessing_children(parent: int) -> dict[int, bool]:
    """This process's multiprocessing children, from /proc: pid -> whether it is an analysis
    worker (the other kind is multiprocessing's resource tracker, about 13 MB)."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rpartition(")")[2].split()[1]) != parent:
                continue
            command = (stat.parent / "cmdline").read_bytes()
            if b"multiprocessing" in command:
                children[int(stat.parent.name)] = b"spawn_main" in command
        except (OSError, ValueError):
            continue  # ended while we looked
    return children


def _peak_mb(pid: int) -> float:
    """VmHWM: the peak RSS since the process's exec, unlike ru_maxrss, which keeps the RSS it
    was forked with (a forked child of a 140 MB process reports 140 MB however small it is)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Watched:
    """What the watcher thread saw while the crawl ran."""

    peaks: dict[int, float] = field(default_factory=dict)  # child pid -> peak RSS MB
    workers: set[int] = field(default_factory=set)
    # The most files this process held open at once: sockets of finished sites kept open
    # showed here before they showed in memory.
    open_files: int = 0


def watch_children(watched: Watched, stop: threading.Event) -> None:
    """Record each multiprocessing child's peak RSS, which are workers, and this process's open
    files, until ``stop``."""
    parent = os.getpid()
    while not stop.wait(WATCH_SECONDS):
        with contextlib.suppress(OSError):
            watched.open_files = max(watched.open_files, len(os.listdir("/proc/self/fd")))
        for pid, is_worker in _multiprocessing_children(parent).items():
            with contextlib.suppress(OSError):
                watched.peaks[pid] = max(watched.peaks.get(pid, 0.0), _peak_mb(pid))
            if is_worker:
                watched.workers.add(pid)


def main() -> None:
    """Run the crawl a spec file describes and record this process's cost."""
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    watched = Watched()
    stop = threading.Event()
    watcher = threading.Thread(target=watch_children, args=(watched, stop), daemon=True)
    watcher.start()
    started = time.perf_counter()
    # Imported here, not at the top: analysis workers import this module again when they start
    # (spawn), and with Scrapy at the top each would weigh 110 MB instead of the CLI's 48 MB.
    if spec["mode"] == "playwright":
        from benchmarks import plainbrowser  # noqa: PLC0415

        plainbrowser.run(spec)
    else:
        from benchmarks import crawlers  # noqa: PLC0415

        {"govsocial": crawlers.run_govsocial, "baseline": crawlers.run_baseline}[spec["mode"]](spec)
    wall = time.perf_counter() - started
    stop.set()
    watcher.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # The analysis workers and the resource tracker, ended and reaped when the crawl closed:
    # their CPU time summed, and the peak RSS seen of each while they ran.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "wall_s": wall,
        "cpu_user_s": usage.ru_utime,
        "cpu_system_s": usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # Linux reports KB
        "workers_cpu_s": children.ru_utime + children.ru_stime,
        "workers_peak_rss_mb": max((watched.peaks[pid] for pid in watched.workers), default=0.0),
        "workers": len(watched.workers),
        "children_peak_rss_mb": sum(watched.peaks.values()),
        "peak_open_files": watched.open_files,
    }
    Path(spec["result"]).write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
