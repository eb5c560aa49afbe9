"""Progress of a shared run, read from the database: its batches crawl in other processes.

A process working on a shared run (``crawl`` on PostgreSQL, ``crawl --join``) sees the whole
run, whoever settles its bodies: a live line on a terminal, else a line every 30 s, and a last
line when it stops. The rate counts bodies settled since this process began to watch.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass

from rich.console import Console
from rich.live import Live
from rich.text import Text
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from crawler.run.bodies import count_remaining
from crawler.run.progress import LOG_EVERY_SECONDS, elapsed_clock
from db.models import BodyVisit, CrawlRun, PageFetch

# Each look is three counts over the run's rows: often enough for a live line, cheap enough
# for a run of 11,000 bodies.
LIVE_READ_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class RunProgress:
    """What a shared run has stored so far, by every worker."""

    settled: int
    total: int
    reachable: int
    pages: int

    def line(self, seconds: float, settled_before: int) -> str:
        """One line: bodies settled of the total, pages, rate and time left, time watched."""
        rate = (self.settled - settled_before) / seconds if seconds > 0 else 0.0
        left = self.total - self.settled
        eta = "?" if left and rate <= 0 else elapsed_clock(left / rate if left else 0)
        return (
            f"bodies {self.settled:,}/{self.total:,} settled ({self.reachable:,} reachable), "
            f"pages {self.pages:,}, {rate:.2f} bodies/s, ETA {eta}, "
            f"elapsed {elapsed_clock(seconds)}"
        )


def read_progress(session: Session, run_id: int) -> RunProgress:
    """The run's settled bodies, reachable ones and stored pages."""
    total = session.get_one(CrawlRun, run_id).bodies_total
    reachable = session.scalar(
        select(func.count())
        .select_from(BodyVisit)
        .where(BodyVisit.run_id == run_id, BodyVisit.reachable.is_(True))
    )
    pages = session.scalar(
        select(func.count())
        .select_from(PageFetch)
        .where(PageFetch.run_id == run_id, PageFetch.error.is_(None))
    )
    return RunProgress(total - count_remaining(session, run_id), total, reachable or 0, pages or 0)


class SharedRunProgress:
    """Shows a shared run's progress from the database until stopped."""

    def __init__(self, sessions: sessionmaker[Session], run_id: int) -> None:
        self.sessions = sessions
        self.run_id = run_id
        self.console = Console(file=sys.stderr)
        self.live = self.console.is_terminal
        self.started = time.monotonic()
        self.settled_before: int | None = None

    def current_line(self) -> str:
        """The run's progress now, as one line."""
        with self.sessions() as session:
            progress = read_progress(session, self.run_id)
        if self.settled_before is None:
            self.settled_before = progress.settled
        return progress.line(time.monotonic() - self.started, self.settled_before)

    async def show(self) -> None:
        """Refresh a live line, or print a line every 30 s, until cancelled; then a last line."""
        every = LIVE_READ_SECONDS if self.live else LOG_EVERY_SECONDS
        live = Live(console=self.console, auto_refresh=False, transient=True) if self.live else None
        if live is not None:
            live.start()
        try:
            while True:
                line = await asyncio.to_thread(self.current_line)
                if live is not None:
                    live.update(Text(line), refresh=True)
                else:
                    self.console.print(f"progress: {line}", soft_wrap=True)
                await asyncio.sleep(every)
        finally:
            if live is not None:
                live.stop()

    def last_line(self) -> str:
        """The final progress line, printed when the process stops working on the run."""
        return f"progress: {self.current_line()}"
