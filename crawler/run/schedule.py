"""Scheduled runs on a cluster: a crawl started at set times, once, by whichever worker is up.

Every worker given a schedule registers it with the engine's periodic tasks. For each scheduled
time each of them tries to defer the schedule's start; the engine's table of periodic deferrals
is unique per task, schedule and time, so exactly one start job exists per time however many
workers carry the schedule. Whichever worker takes that job opens the run from the seed file
and queues its batches (crawler/run/cluster.py); every worker then serves it. A start while a
run is live is refused by the run lock like any other start, and skipped with the reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.limits import BadSetting
from crawler.run.crawl import CrawlOptions, open_run
from crawler.run.lifecycle import CrawlAlreadyRunning
from crawler.seeds.seedfile import SeedFileError, read_seeds

START_TASK = "govsocial.start_scheduled_run"
SCHEDULE_QUEUE = "govsocial-schedule"
# How late a scheduled start may still be made up by a worker that comes up after its time
# (the engine's default): a worker down for longer leaves that start out rather than crawl at
# an unplanned hour.
DEFAULT_CATCH_UP_SECONDS = 600.0


class ScheduledStartSkipped(RuntimeError):
    """A scheduled start that opened no run: another is live, or its seeds were refused."""


@dataclass(frozen=True, slots=True)
class RunPlan:
    """What a scheduled start opens: the seed file and the run's own settings (as JSON)."""

    seeds: str  # absolute: every worker that may take the start reads it at this path
    columns: dict[str, str] = field(default_factory=dict)
    skip_missing_urls: bool = False
    max_pages: int = 10
    render: str = "none"
    allow_private: bool = False
    archive: str | None = None  # the archive root, as for `crawl --archive`
    filter_lists: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The plan as the start job's arguments."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A cron expression and the run it starts."""

    cron: str
    plan: RunPlan
    catch_up_seconds: float = DEFAULT_CATCH_UP_SECONDS

    @property
    def periodic_id(self) -> str:
        """The schedule's name with the engine: workers with the same cron start one run."""
        return " ".join(self.cron.split())


def valid_cron(expression: str) -> bool:
    """Whether ``expression`` is a five-field cron expression the engine can follow."""
    from croniter import croniter  # noqa: PLC0415 - the cluster extra

    return len(expression.split()) == 5 and bool(croniter.is_valid(expression))


def scheduled_time(timestamp: int) -> str:
    """A scheduled time for messages, in UTC."""
    return f"{datetime.fromtimestamp(timestamp, UTC):%Y-%m-%d %H:%M} UTC"


def open_scheduled_run(
    plan: RunPlan, db_url: str, machine: dict[str, Any], timestamp: int
) -> int:
    """Open the run a schedule starts at ``timestamp``; its id.

    ``machine`` holds the taking worker's own settings (host map, ``-s`` settings, log file).
    Raises :class:`ScheduledStartSkipped` with the reason when no run could be opened.
    """
    when = scheduled_time(timestamp)
    options = CrawlOptions(
        seeds=Path(plan.seeds),
        db_url=db_url,
        max_pages=plan.max_pages,
        allow_private=plan.allow_private,
        overrides=dict(machine.get("overrides", {})),
        hosts=dict(machine.get("hosts", {})),
        progress=False,
        log_file=machine.get("log_file"),
        filter_lists=[Path(path) for path in plan.filter_lists],
        seed_columns=dict(plan.columns),
        skip_missing_urls=plan.skip_missing_urls,
        render=plan.render,
        archive=Path(plan.archive) if plan.archive else None,
    )
    try:
        seed_list = read_seeds(options.seeds, options.seed_columns, options.skip_missing_urls)
        return open_run(options, seed_list).run_id
    except CrawlAlreadyRunning as error:
        raise ScheduledStartSkipped(f"the run scheduled for {when} was skipped: {error}") from None
    except (SeedFileError, BadSetting, OSError) as error:
        raise ScheduledStartSkipped(
            f"the run scheduled for {when} could not start on this machine: {error}"
        ) from None
