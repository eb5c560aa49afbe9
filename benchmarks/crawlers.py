"""The two measured crawls: govsocial's, through the code behind ``govsocial crawl``, and the
plain baseline spider over the pages govsocial fetched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess

from benchmarks.baseline import BaselineSpider
from benchmarks.statsfile import EXTENSION_PATH, STATS_FILE_SETTING
from crawler import settings as govsocial_settings
from crawler.net.resolver import HOSTS_SETTING
from crawler.run.crawl import CrawlOptions, run_crawl


def run_govsocial(spec: dict[str, Any]) -> None:
    """govsocial's crawl of the seed file, with the shared settings and the stats extension."""
    extensions = dict(govsocial_settings.EXTENSIONS)
    extensions[EXTENSION_PATH] = 900
    overrides = {**spec["settings"], STATS_FILE_SETTING: spec["stats"], "EXTENSIONS": extensions}
    options = CrawlOptions(
        seeds=Path(spec["seeds"]),
        db_url=spec["db_url"],
        max_pages=spec["max_pages"],
        allow_private=True,
        overrides=overrides,
        hosts=spec["hosts"],
        progress=False,
        render=spec.get("render", "none"),
        chromium=spec.get("chromium"),
        archive=Path(spec["archive"]) if spec.get("archive") else None,
    )
    run_crawl(options)


def run_baseline(spec: dict[str, Any]) -> None:
    """The plain spider over the page set govsocial fetched, with the same shared settings."""
    pages: dict[str, list[str]] = json.loads(Path(spec["pages"]).read_text(encoding="utf-8"))
    settings = {
        **spec["settings"],
        "USER_AGENT": govsocial_settings.USER_AGENT,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "HTTPERROR_ALLOW_ALL": True,
        "DOWNLOAD_MAXSIZE": govsocial_settings.DOWNLOAD_MAXSIZE,
        # Name resolution only: the bodies' host names map to loopback as in govsocial's crawl.
        "TWISTED_DNS_RESOLVER": govsocial_settings.TWISTED_DNS_RESOLVER,
        HOSTS_SETTING: spec["hosts"],
        "GOVSOCIAL_ALLOW_PRIVATE": True,
        STATS_FILE_SETTING: spec["stats"],
        "EXTENSIONS": {EXTENSION_PATH: 900},
    }
    process = CrawlerProcess(settings)
    process.crawl(BaselineSpider, homepages=list(pages), followups=pages)
    process.start()
