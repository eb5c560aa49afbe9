"""A Scrapy extension that writes the crawl's stats to a JSON file when the spider closes."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

STATS_FILE_SETTING = "BENCH_STATS_FILE"
EXTENSION_PATH = "benchmarks.statsfile.StatsFile"


class StatsFile:
    """Saves ``crawler.stats`` (elapsed time, response counts) for the benchmark's parent."""

    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        """Enabled only when ``BENCH_STATS_FILE`` names a file."""
        path = crawler.settings.get(STATS_FILE_SETTING)
        if not path:
            raise NotConfigured("no BENCH_STATS_FILE")
        extension = cls(crawler, Path(path))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Write the stats, datetimes as ISO strings."""
        assert self.crawler.stats is not None
        stats = {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in self.crawler.stats.get_stats().items()
        }
        self.path.write_text(json.dumps(stats, indent=1, sort_keys=True), encoding="utf-8")
