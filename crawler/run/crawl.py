"""One crawl run from start to finish: seeds validated, run opened, Scrapy run, run closed."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings
from sqlalchemy.exc import DBAPIError

from crawler import settings as default_settings
from crawler.analysis.pool import FILTER_LISTS_SETTING, WORKERS_SETTING, analysis_workers
from crawler.archive.warc import ARCHIVE_DIR_SETTING
from crawler.limits import (
    lift_open_files_limit,
    max_open_bodies,
    open_bodies_room,
    wanted_open_bodies,
)
from crawler.net.deadline import BODY_TIMEOUT_SETTING
from crawler.net.guard import ALLOW_PRIVATE_SETTING
from crawler.net.resolver import HOSTS_SETTING
from crawler.pipelines.storage import (
    DATABASE_ERROR,
    DATABASE_ERROR_STAT,
    DB_URL_SETTING,
    LEASE_SETTING,
    RUN_ID_SETTING,
    WORKER_ID_SETTING,
)
from crawler.pipelines.writer import Lease
from crawler.render.config import (
    CHROMIUM_SETTING,
    DEFAULT_LOAD_TIMEOUT,
    RENDER_LEAVES_SETTING,
    RENDER_LOAD_SETTING,
    RENDER_SETTING,
    render_settings,
)
from crawler.render.gate import leaf_mode
from crawler.run.bodies import count_remaining, remaining_homepages
from crawler.run.lifecycle import (
    SEED_COLUMNS_SETTING,
    SKIP_MISSING_URLS_SETTING,
    finish_run,
    recount_run,
    resume_run,
    start_run,
)
from crawler.run.logs import LOG_FILE_SETTING, crawl_logging
from crawler.run.progress import PROGRESS_SETTING, TOTAL_SETTING
from crawler.run.resume import load_partial_bodies
from crawler.seeds.seedfile import SeedList, read_seeds
from crawler.spiders.bodies import BodiesSpider
from crawler.spiders.inputs import Homepage, StoredBody
from db.migrate import ensure_current
from db.models import FAILED, FINISHED, INTERRUPTED, CrawlRun
from db.session import make_engine, make_sessionmaker

logger = logging.getLogger(__name__)

ENV_PREFIX = "GOVSOCIAL_SCRAPY_"
# Settings worth keeping with each run, so a dataset says how it was collected.
RECORDED_SETTINGS = (
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "AUTOTHROTTLE_ENABLED",
    "DOWNLOAD_DELAY",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_TIMEOUT",
    "DOWNLOAD_MAXSIZE",
    "DOWNLOAD_VERIFY_CERTIFICATES",
    "REDIRECT_MAX_TIMES",
    BODY_TIMEOUT_SETTING,
    "GOVSOCIAL_MAX_PAGES",
    ALLOW_PRIVATE_SETTING,
    FILTER_LISTS_SETTING,
    WORKERS_SETTING,
    SEED_COLUMNS_SETTING,
    SKIP_MISSING_URLS_SETTING,
    RENDER_SETTING,
    RENDER_LEAVES_SETTING,
    ARCHIVE_DIR_SETTING,
)


class RunNotClosed(RuntimeError):
    """The crawl stopped but its run could not be closed: the database is unusable."""


@dataclass(slots=True)
class CrawlOptions:
    """Everything ``govsocial crawl`` (and the demo) decide before a run starts."""

    seeds: Path
    db_url: str
    max_pages: int = 10
    allow_private: bool = False
    overrides: dict[str, str] = field(default_factory=dict)
    hosts: dict[str, str] = field(default_factory=dict)
    progress: bool = True  # a live display on a terminal, else a progress line every 30 s
    log_file: str | None = None  # the whole log (at LOG_LEVEL) goes here; "-" for stderr
    filter_lists: list[Path] = field(default_factory=list)
    seed_columns: dict[str, str] = field(default_factory=dict)
    skip_missing_urls: bool = False
    resume: int | None = None
    render: str = "none"  # which pages Chromium loads too: none, homepage or all
    chromium: str | None = None  # the browser's executable; found on PATH when None
    archive: Path | None = None  # the archive root: WARC files of the run go to a folder below


def default_and_environment_settings() -> Settings:
    """govsocial's defaults (crawler/settings.py), then ``GOVSOCIAL_SCRAPY_*`` environment."""
    settings = get_project_settings()
    settings.setmodule(default_settings, priority="project")
    for name, value in os.environ.items():
        if name.startswith(ENV_PREFIX):
            settings.set(name.removeprefix(ENV_PREFIX), value, priority="project")
    return settings


def build_settings(
    options: CrawlOptions, run_id: int, bodies_total: int, lease: Lease | None = None
) -> Settings:
    """Defaults, then ``GOVSOCIAL_SCRAPY_*`` environment, then options, then ``-s`` overrides."""
    settings = default_and_environment_settings()
    if lease is not None:
        settings.set(LEASE_SETTING, lease.token, priority="cmdline")
        settings.set(WORKER_ID_SETTING, lease.worker_id, priority="cmdline")
    settings.set("GOVSOCIAL_MAX_PAGES", options.max_pages, priority="cmdline")
    settings.set(ALLOW_PRIVATE_SETTING, options.allow_private, priority="cmdline")
    settings.set(HOSTS_SETTING, options.hosts, priority="cmdline")
    settings.set(RUN_ID_SETTING, run_id, priority="cmdline")
    settings.set(DB_URL_SETTING, options.db_url, priority="cmdline")
    settings.set(TOTAL_SETTING, bodies_total, priority="cmdline")
    settings.set(PROGRESS_SETTING, options.progress, priority="cmdline")
    settings.set(FILTER_LISTS_SETTING, [str(path) for path in options.filter_lists], "cmdline")
    settings.set(SEED_COLUMNS_SETTING, options.seed_columns, priority="cmdline")
    settings.set(SKIP_MISSING_URLS_SETTING, options.skip_missing_urls, priority="cmdline")
    settings.set(RENDER_SETTING, options.render, priority="cmdline")
    if options.archive is not None:
        settings.set(ARCHIVE_DIR_SETTING, str(options.archive.resolve()), priority="cmdline")
    # crawler/run/logs.py installs the handlers: warnings to stderr, the whole log to LOG_FILE.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    if options.log_file:
        settings.set(LOG_FILE_SETTING, options.log_file, priority="cmdline")
    for name, value in options.overrides.items():
        settings.set(name, value, priority="cmdline")
    # After the overrides: the browser resolves names with the final host map, and a setting
    # given with -s still wins.
    rendering = render_settings(
        options.render,
        settings.getdict(HOSTS_SETTING),
        options.chromium or settings.get(CHROMIUM_SETTING),
        settings.getfloat(RENDER_LOAD_SETTING, DEFAULT_LOAD_TIMEOUT),
    )
    for name, value in rendering.items():
        if name not in options.overrides:
            settings.set(name, value, priority="cmdline")
    return settings


def check_settings(settings: Settings) -> None:
    """Raise :class:`BadSetting` for a govsocial setting the crawl would fail on later."""
    analysis_workers(settings)
    max_open_bodies(settings)
    leaf_mode(settings.get(RENDER_LEAVES_SETTING))


def recorded(settings: Settings) -> dict[str, Any]:
    """The settings stored with a run."""
    return {name: settings.get(name) for name in RECORDED_SETTINGS}


def crawl_status(run_id: int, stats: dict[str, Any]) -> tuple[str, str | None]:
    """The run's final status and message, from how Scrapy closed the spider."""
    finish_reason = stats.get("finish_reason")
    resume = f"resume it with `govsocial crawl --resume {run_id}`"
    if finish_reason == DATABASE_ERROR or stats.get(DATABASE_ERROR_STAT):
        return FAILED, f"database error: {stats.get(DATABASE_ERROR_STAT)}; {resume}"
    if finish_reason == "finished":
        return FINISHED, None
    if finish_reason == "shutdown":
        return INTERRUPTED, f"stopped by a signal; {resume}"
    if finish_reason is None:  # a second signal stops the reactor before the spider closes
        return INTERRUPTED, f"forced to stop before the crawl could close; {resume}"
    return FAILED, f"finish reason: {finish_reason}"


@dataclass(frozen=True, slots=True)
class OpenedRun:
    """A run started or resumed, ready to crawl; the seed list is no longer needed."""

    run_id: int
    options: CrawlOptions
    stored: dict[str, StoredBody] | None  # a resumed run's pages of bodies under way


def open_run(options: CrawlOptions, seed_list: SeedList) -> OpenedRun:
    """A new run with its bodies registered, or the resumed one with the settings it began with.

    The caller should not keep ``seed_list``: the crawl reads the run's bodies from the database.
    Settings the crawl cannot use raise :class:`BadSetting` before any run is opened.
    """
    probe = build_settings(options, run_id=0, bodies_total=len(seed_list.seeds))
    check_settings(probe)
    engine = make_engine(options.db_url)
    try:
        ensure_current(engine, options.db_url)
        with make_sessionmaker(engine).begin() as session:
            archive = probe.get(ARCHIVE_DIR_SETTING)
            archive_root = Path(archive).resolve() if archive else None
            if options.resume is None:
                run = start_run(session, seed_list, recorded(probe), options.render, archive_root)
                return OpenedRun(run.id, options, None)
            run = resume_run(session, options.resume, seed_list, archive_root)
            options = replace(
                options,
                max_pages=int(run.settings.get("GOVSOCIAL_MAX_PAGES", options.max_pages)),
                allow_private=bool(run.settings.get(ALLOW_PRIVATE_SETTING, options.allow_private)),
                render=run.render_mode,
                # A resumed run goes on archiving where it began.
                archive=Path(run.archive_dir).parent if run.archive_dir else None,
            )
            return OpenedRun(run.id, options, load_partial_bodies(session, run.id))
    finally:
        engine.dispose()


def run_crawl(options: CrawlOptions) -> CrawlRun:
    """Read the seed file, then crawl every seed (or what a resumed run still lacks)."""
    # Never bound to a name here: a local would keep the parsed list alive for the whole crawl.
    return crawl_run(
        open_run(
            options, read_seeds(options.seeds, options.seed_columns, options.skip_missing_urls)
        )
    )


def _schedule(
    process: CrawlerProcess, settings: Settings, opened: OpenedRun, homepages: Iterator[Homepage]
) -> Crawler:
    """The run's crawler added to ``process``, within the open-files limit, ready to start."""
    open_files = lift_open_files_limit()
    wanted, room = wanted_open_bodies(settings), open_bodies_room(settings, open_files)
    if wanted > room:
        logger.warning(
            "Only %d bodies at once, not %d: %d open files are allowed (raise with ulimit -n)",
            room,
            wanted,
            open_files,
        )
    # A robots.txt that cannot be fetched is recorded with the body's outcome; no traceback.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    crawler = process.create_crawler(BodiesSpider)
    process.crawl(
        crawler,
        homepages=homepages,
        max_pages=opened.options.max_pages,
        stored=opened.stored,
        render=opened.options.render,
    )
    return crawler


def crawl_bodies(
    opened: OpenedRun, homepages: Iterator[Homepage], total: int, lease: Lease | None = None
) -> dict[str, Any]:
    """Run Scrapy over ``homepages`` of an opened run (under a shared run's ``lease``); its stats.

    A signal or error that stops the process before the crawl closes is re-raised.
    """
    settings = build_settings(opened.options, opened.run_id, total, lease)
    progress_lines = settings.getbool(PROGRESS_SETTING) and not sys.stderr.isatty()
    with crawl_logging(settings, progress_lines):
        process = CrawlerProcess(settings)
        crawler = _schedule(process, settings, opened, homepages)
        process.start()
    return crawler.stats.get_stats() if crawler.stats else {}


def crawl_run(opened: OpenedRun) -> CrawlRun:
    """Crawl the bodies of an opened run that have no outcome yet, and return the closed run."""
    run_id = opened.run_id
    engine = make_engine(opened.options.db_url)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        total = count_remaining(session, run_id)
    try:
        stats = crawl_bodies(opened, remaining_homepages(sessions, run_id), total)
    except BaseException as error:
        with sessions.begin() as session:
            finish_run(session, run_id, INTERRUPTED, f"crawl stopped: {error!r}")
        raise
    status, message = crawl_status(run_id, stats)
    try:
        with sessions.begin() as session:
            if opened.stored is not None:
                recount_run(session, run_id)
            run = finish_run(session, run_id, status, message)
    except DBAPIError as error:
        raise RunNotClosed(
            f"run {run_id} stopped ({message or status}) but could not be closed: {error.orig}; "
            "the next crawl will mark it interrupted"
        ) from None
    finally:
        engine.dispose()
    return run
