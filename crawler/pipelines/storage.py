"""The pipeline that persists each page with its findings, and each body's outcome."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import DBAPIError

from crawler.archive.records import RenderedSnapshot
from crawler.archive.warc import (
    ARCHIVE_DIR_SETTING,
    ARCHIVE_MAX_BYTES_SETTING,
    DEFAULT_MAX_BYTES,
    ArchiveWriter,
    run_folder,
)
from crawler.items import BodyOutcome, PageItem, render_log
from crawler.pipelines.writer import Lease, RunWriter
from db.models import utcnow
from db.session import make_engine, make_sessionmaker

RUN_ID_SETTING = "GOVSOCIAL_RUN_ID"
DB_URL_SETTING = "GOVSOCIAL_DB_URL"
# A batch of a shared run: the lease it holds on its bodies, and the worker process holding it.
LEASE_SETTING = "GOVSOCIAL_LEASE"
WORKER_ID_SETTING = "GOVSOCIAL_WORKER_ID"
# Whole pages and outcomes per transaction: one commit per item made SQLite writes half the
# storage cost (benchmarks/RESULTS.md); a crash still loses whole items only.
DB_BATCH_SETTING = "GOVSOCIAL_DB_BATCH"
DEFAULT_DB_BATCH = 100
DATABASE_ERROR = "database_error"  # the finish reason of a crawl whose database failed
DATABASE_ERROR_STAT = "govsocial/database_error"


class StoragePipeline:
    """Writes each page with its findings, and each body's outcome, to the run's database.

    With an archive, each page's exchange (and rendered DOM) is written to the run's WARC
    files first, here and nowhere else; the archive is flushed before every commit, so no row
    ever points at a record that is not on disk.
    """

    def __init__(
        self,
        db_url: str,
        run_id: int,
        batch_size: int = DEFAULT_DB_BATCH,
        archive: ArchiveWriter | None = None,
        lease: Lease | None = None,
    ) -> None:
        self.db_url = db_url
        self.run_id = run_id
        self.batch_size = batch_size
        self.archive = archive
        self.lease = lease
        self.writer: RunWriter | None = None
        self.crawler: Crawler | None = None
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        """Needs the run id and database URL that ``govsocial crawl`` puts in the settings."""
        settings = crawler.settings
        if not settings.get(RUN_ID_SETTING) or not settings.get(DB_URL_SETTING):
            raise NotConfigured("no run to store into (run crawls with `govsocial crawl`)")
        run_id = settings.getint(RUN_ID_SETTING)
        lease = None
        if settings.get(LEASE_SETTING):
            lease = Lease(settings[LEASE_SETTING], settings.getint(WORKER_ID_SETTING))
        archive_root = settings.get(ARCHIVE_DIR_SETTING)
        archive = None
        if archive_root:
            archive = ArchiveWriter(
                run_folder(Path(archive_root), run_id),
                run_id,
                settings.getint(ARCHIVE_MAX_BYTES_SETTING, DEFAULT_MAX_BYTES),
                lease.worker_id if lease is not None else None,
            )
        pipeline = cls(
            settings[DB_URL_SETTING],
            run_id,
            settings.getint(DB_BATCH_SETTING, DEFAULT_DB_BATCH),
            archive,
            lease,
        )
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        """Connect to the database."""
        self.engine = make_engine(self.db_url)
        self.writer = RunWriter(
            make_sessionmaker(self.engine),
            self.run_id,
            self.batch_size,
            before_write=self.archive.flush if self.archive is not None else None,
            lease=self.lease,
        )

    def close_spider(self, spider: Any = None) -> None:
        """Commit what is pending (unless the database failed), then release the pool."""
        try:
            if self.writer is not None and not self.failed:
                self.writer.close()
        except DBAPIError as error:
            self.failed = True  # the crawl is closing already; record why it failed
            if self.crawler is not None and self.crawler.stats is not None:
                reason = f"{type(error.orig).__name__}: {error.orig}"
                self.crawler.stats.set_value(DATABASE_ERROR_STAT, reason)
        finally:
            self.engine.dispose()
            if self.archive is not None:
                self.archive.close()

    def process_item(self, item: Any) -> Any:
        """Persist pages and outcomes; a database error stops the crawl instead of losing items."""
        assert self.writer is not None, "open_spider() was not called"
        if self.failed:
            raise DropItem("not stored: the database failed earlier in this run")
        try:
            if isinstance(item, PageItem):
                if self.archive is not None:
                    self._archive(item)
                self.writer.add_page(item)
            elif isinstance(item, BodyOutcome):
                self.writer.add_outcome(item)
        except DBAPIError as error:
            # A batch is one transaction, rolled back whole; going on would lose every item.
            self._stop(f"{type(error.orig).__name__}: {error.orig}")
            raise DropItem(f"not stored: {error.orig}") from error
        except OSError as error:
            # An archive that cannot be written (a full disk) would leave pages without evidence.
            self._stop(f"archive: {error}")
            raise DropItem(f"not stored: archive: {error}") from error
        return item

    def _archive(self, item: PageItem) -> None:
        """Write the page's exchange and rendered DOM, and note where they went on the item.

        Here, in the crawl's thread: written from a thread of its own, the archive's Python work
        contended with the crawl's for the GIL, and crawls ran at 0.62-0.73 of a plain one's
        pages per second against 0.87 written here (benchmarks/RESULTS.md).
        """
        assert self.archive is not None
        if item.served is not None:
            item.archived = self.archive.write_exchange(item.served)
            item.served = None
        render = item.render
        if render is not None and render.dom is not None and render.error is None:
            snapshot = RenderedSnapshot(
                render.final_url or render.url, render.dom, render_log(render), utcnow()
            )
            render.archived = self.archive.write_rendered(snapshot, item.archived)
            render.dom = None

    def _stop(self, reason: str) -> None:
        self.failed = True
        if self.crawler is not None and self.crawler.engine is not None:
            if self.crawler.stats is not None:
                self.crawler.stats.set_value(DATABASE_ERROR_STAT, reason)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=DATABASE_ERROR))
