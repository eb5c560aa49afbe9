"""One batch of a shared run, crawled in a process of its own (the reactor starts once per process).

A worker (crawler/run/cluster.py) starts ``python -m crawler.run.batch SPEC`` for each batch it
takes; SPEC is JSON with the database, the run, the lease the batch holds and the machine's own
settings. The run's own settings (page budget, render mode, address policy, filter lists) come
from its row. Exit 0: every body of the batch settled; 130: stopped by a signal; 1: failed.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.analysis.pool import FILTER_LISTS_SETTING
from crawler.net.guard import ALLOW_PRIVATE_SETTING
from crawler.pipelines.writer import Lease
from crawler.run.crawl import CrawlOptions, OpenedRun, crawl_bodies, crawl_status
from crawler.run.leases import leased_homepages
from crawler.run.resume import load_partial_bodies
from db.models import FINISHED, INTERRUPTED, CrawlRun
from db.session import make_engine, make_sessionmaker

EXIT_INTERRUPTED = 130
PR_SET_PDEATHSIG = 1


def follow_parent(parent_pid: int | None) -> None:
    """Be stopped (SIGTERM: the crawl closes cleanly) when the worker that started us dies.

    A batch left running by a killed worker would crawl on for nothing: its lease passes to
    another worker, which fences off its writes. Linux only; elsewhere the fence suffices.
    """
    if parent_pid is None or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent_pid:  # the worker died before the request took effect
        sys.exit(EXIT_INTERRUPTED)


@dataclass(frozen=True, slots=True)
class BatchSpec:
    """What a worker hands the process of one batch."""

    db_url: str
    run_id: int
    worker_id: int
    lease: str
    hosts: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)
    log_file: str | None = None
    parent_pid: int | None = None  # the worker: the batch ends when it does

    def to_json(self) -> str:
        """The spec as the batch process's argument."""
        return json.dumps({name: getattr(self, name) for name in self.__slots__})

    @classmethod
    def from_json(cls, text: str) -> BatchSpec:
        """The spec from the batch process's argument."""
        return cls(**json.loads(text))


def batch_options(spec: BatchSpec, run: CrawlRun) -> CrawlOptions:
    """The run's own settings from its row, the machine's from the worker's command line."""
    settings: dict[str, Any] = run.settings or {}
    return CrawlOptions(
        seeds=Path(run.seed_file or ""),
        db_url=spec.db_url,
        max_pages=int(settings.get("GOVSOCIAL_MAX_PAGES") or 10),
        allow_private=bool(settings.get(ALLOW_PRIVATE_SETTING)),
        overrides=dict(spec.overrides),
        hosts=dict(spec.hosts),
        progress=False,
        log_file=spec.log_file,
        filter_lists=[Path(path) for path in settings.get(FILTER_LISTS_SETTING) or []],
        render=run.render_mode,
        # A run kept with --archive is archived by every batch, into the run's folder at the
        # same path on each machine; file names carry the worker, so none collide.
        archive=Path(run.archive_dir).parent if run.archive_dir else None,
    )


def crawl_batch(spec: BatchSpec) -> int:
    """Crawl the bodies the spec's lease holds; the process's exit code."""
    engine = make_engine(spec.db_url)
    try:
        with make_sessionmaker(engine)() as session:
            run = session.get_one(CrawlRun, spec.run_id)
            homepages = leased_homepages(session, spec.run_id, spec.lease)
            stored = load_partial_bodies(session, spec.run_id, {h.body_id for h in homepages})
            options = batch_options(spec, run)
    finally:
        engine.dispose()
    if not homepages:
        return 0
    opened = OpenedRun(spec.run_id, options, stored)
    lease = Lease(spec.lease, spec.worker_id)
    stats = crawl_bodies(opened, iter(homepages), len(homepages), lease)
    status, message = crawl_status(spec.run_id, stats)
    if status == FINISHED:
        return 0
    sys.stderr.write(f"batch of run {spec.run_id}: {message or status}\n")
    return EXIT_INTERRUPTED if status == INTERRUPTED else 1


def main(argv: list[str] | None = None) -> None:
    """``python -m crawler.run.batch SPEC``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit("usage: python -m crawler.run.batch SPEC-JSON")
    spec = BatchSpec.from_json(args[0])
    follow_parent(spec.parent_pid)
    sys.exit(crawl_batch(spec))


if __name__ == "__main__":
    main()
