"""One crawl run from start to finish: seeds validated, run opened, Scrapy run, run closed."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler import settings as default_settings
from crawler.netguard import ALLOW_PRIVATE_SETTING
from crawler.pipelines import DB_URL_SETTING, FILTER_LISTS_SETTING, RUN_ID_SETTING
from crawler.progress import PROGRESS_SETTING, TOTAL_SETTING
from crawler.resolver import HOSTS_SETTING
from crawler.runs import FAILED, FINISHED, INTERRUPTED, finish_run, start_run
from crawler.seeds import SeedList, read_seeds
from crawler.spiders.bodies import BodiesSpider
from db.migrate import ensure_current
from db.models import CrawlRun
from db.session import make_engine, make_sessionmaker

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
    "GOVSOCIAL_MAX_PAGES",
    ALLOW_PRIVATE_SETTING,
    FILTER_LISTS_SETTING,
)


@dataclass(slots=True)
class CrawlOptions:
    """Everything ``govsocial crawl`` (and the demo) decide before a run starts."""

    seeds: Path
    db_url: str
    max_pages: int = 10
    allow_private: bool = False
    overrides: dict[str, str] = field(default_factory=dict)
    hosts: dict[str, str] = field(default_factory=dict)
    progress: bool = True
    log_level: str | None = None
    filter_lists: list[Path] = field(default_factory=list)


def build_settings(options: CrawlOptions, run_id: int, bodies_total: int) -> Settings:
    """Defaults, then ``GOVSOCIAL_SCRAPY_*`` environment, then options, then ``-s`` overrides."""
    settings = get_project_settings()
    settings.setmodule(default_settings, priority="project")
    for name, value in os.environ.items():
        if name.startswith(ENV_PREFIX):
            settings.set(name.removeprefix(ENV_PREFIX), value, priority="project")
    settings.set("GOVSOCIAL_MAX_PAGES", options.max_pages, priority="cmdline")
    settings.set(ALLOW_PRIVATE_SETTING, options.allow_private, priority="cmdline")
    settings.set(HOSTS_SETTING, options.hosts, priority="cmdline")
    settings.set(RUN_ID_SETTING, run_id, priority="cmdline")
    settings.set(DB_URL_SETTING, options.db_url, priority="cmdline")
    settings.set(TOTAL_SETTING, bodies_total, priority="cmdline")
    settings.set(PROGRESS_SETTING, options.progress, priority="cmdline")
    settings.set(FILTER_LISTS_SETTING, [str(path) for path in options.filter_lists], "cmdline")
    if options.log_level:
        settings.set("LOG_LEVEL", options.log_level, priority="cmdline")
    for name, value in options.overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def recorded(settings: Settings) -> dict[str, Any]:
    """The settings stored with a run."""
    return {name: settings.get(name) for name in RECORDED_SETTINGS}


def _status(finish_reason: str | None) -> str:
    if finish_reason == "finished":
        return FINISHED
    if finish_reason == "shutdown":
        return INTERRUPTED
    return FAILED


def run_crawl(options: CrawlOptions, seed_list: SeedList | None = None) -> CrawlRun:
    """Crawl every seed into the database and return the closed run."""
    seed_list = seed_list or read_seeds(options.seeds)
    engine = make_engine(options.db_url)
    ensure_current(engine, options.db_url)
    sessions = make_sessionmaker(engine)

    probe = build_settings(options, run_id=0, bodies_total=len(seed_list.seeds))
    with sessions.begin() as session:
        run_id = start_run(session, seed_list, recorded(probe)).id
    settings = build_settings(options, run_id, len(seed_list.seeds))

    process = CrawlerProcess(settings)
    # A robots.txt that cannot be fetched is recorded with the body's outcome; no traceback.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    crawler = process.create_crawler(BodiesSpider)
    process.crawl(crawler, seeds=seed_list.seeds, max_pages=options.max_pages)
    try:
        process.start()
    except BaseException as error:
        with sessions.begin() as session:
            finish_run(session, run_id, INTERRUPTED, f"crawl stopped: {error!r}")
        raise
    finish_reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
    status = _status(finish_reason)
    with sessions.begin() as session:
        run = finish_run(
            session,
            run_id,
            status,
            None if status == FINISHED else f"finish reason: {finish_reason}",
        )
    engine.dispose()
    return run
