"""Pipelines: detect findings on each fetched page, then persist pages, findings and outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.detection.detect import detect_page
from crawler.detection.filterlists import FilterList, load_filter_list
from crawler.items import BodyOutcome, PageItem
from db.session import make_engine, make_sessionmaker
from db.writer import RunWriter

RUN_ID_SETTING = "GOVSOCIAL_RUN_ID"
DB_URL_SETTING = "GOVSOCIAL_DB_URL"
FILTER_LISTS_SETTING = "GOVSOCIAL_FILTER_LISTS"
# Whole pages and outcomes per transaction: one commit per item made SQLite writes half the
# storage cost (benchmarks/RESULTS.md); a crash still loses whole items only.
DB_BATCH_SETTING = "GOVSOCIAL_DB_BATCH"
DEFAULT_DB_BATCH = 100


class DetectionPipeline:
    """Runs every detector on the page the spider already parsed (one parse per page)."""

    def __init__(self, filter_list_paths: list[str]) -> None:
        self.filter_list_paths = filter_list_paths
        self.filter_lists: list[FilterList] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DetectionPipeline:
        """Filter lists to match come from ``GOVSOCIAL_FILTER_LISTS`` (file paths)."""
        return cls(crawler.settings.getlist(FILTER_LISTS_SETTING))

    def open_spider(self, spider: Any = None) -> None:
        """Compile the filter lists once per crawl."""
        self.filter_lists = [load_filter_list(Path(path)) for path in self.filter_list_paths]

    def process_item(self, item: Any) -> Any:
        """Attach findings to HTML pages and release the parsed tree."""
        if isinstance(item, PageItem) and item.page is not None:
            item.findings = detect_page(item.page, self.filter_lists)
            item.page = None
        return item


class StoragePipeline:
    """Writes each page with its findings, and each body's outcome, to the run's database."""

    def __init__(self, db_url: str, run_id: int, batch_size: int = DEFAULT_DB_BATCH) -> None:
        self.db_url = db_url
        self.run_id = run_id
        self.batch_size = batch_size
        self.writer: RunWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        """Needs the run id and database URL that ``govsocial crawl`` puts in the settings."""
        settings = crawler.settings
        if not settings.get(RUN_ID_SETTING) or not settings.get(DB_URL_SETTING):
            raise NotConfigured("no run to store into (run crawls with `govsocial crawl`)")
        return cls(
            settings[DB_URL_SETTING],
            settings.getint(RUN_ID_SETTING),
            settings.getint(DB_BATCH_SETTING, DEFAULT_DB_BATCH),
        )

    def open_spider(self, spider: Any = None) -> None:
        """Connect to the database."""
        self.engine = make_engine(self.db_url)
        self.writer = RunWriter(make_sessionmaker(self.engine), self.run_id, self.batch_size)

    def close_spider(self, spider: Any = None) -> None:
        """Commit what is pending, then release the connection pool."""
        try:
            if self.writer is not None:
                self.writer.close()
        finally:
            self.engine.dispose()

    def process_item(self, item: Any) -> Any:
        """Persist pages and outcomes; other items pass through."""
        assert self.writer is not None, "open_spider() was not called"
        if isinstance(item, PageItem):
            self.writer.add_page(item)
        elif isinstance(item, BodyOutcome):
            self.writer.add_outcome(item)
        return item
