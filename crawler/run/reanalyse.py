"""Re-analysing a run: its archived pages through today's detectors, stored as a new analysis.

The crawl is not repeated: each page is read back from the run's WARC files as it was served,
decoded as the crawl decoded it, and analysed by the same pool of workers with the same pure
detection code. The findings go to a new analysis of the run; the earlier analyses keep
theirs. The new analysis counts (current_analyses) once it is complete: a re-analysis that
stops half-way is never read.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.http import Headers, Response, TextResponse
from scrapy.responsetypes import responsetypes
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, aliased

from crawler.analysis.pool import AnalysisFailed, PageAnalyser
from crawler.archive.reader import ArchiveUnreadable, WarcRecord, read_record, read_records
from crawler.detection.findings import PageFindings
from crawler.detection.rendered import with_served_gating
from crawler.detection.versions import catalogue_version, code_version
from crawler.items import logged_requests
from crawler.net.sniff import analysis_source, binary_kind, fitting_encoding
from crawler.pipelines.writer import findings_rows, rendered_findings_rows
from crawler.spiders.bodies import HTML_TYPES
from db.history import DatasetMissing, read_session
from db.migrate import ensure_current
from db.models import (
    REANALYSIS,
    RUNNING,
    Analysis,
    Base,
    CrawlRun,
    PageFetch,
    RenderedPage,
    utcnow,
)
from db.session import make_engine, make_sessionmaker

CHUNK = 64  # pages in the pool at once, and per transaction


class ReanalysisRefused(RuntimeError):
    """The run cannot be re-analysed: unknown, still crawling, or without an archive."""


@dataclass(frozen=True, slots=True)
class Reanalysis:
    """What a re-analysis stored."""

    run_id: int
    analysis_id: int
    catalogue_version: str
    pages: int
    seconds: float
    accounts: int
    trackers: int
    failed: int  # pages whose analysis failed (a worker died), stored without findings


@dataclass(frozen=True, slots=True)
class _Page:
    page_id: int
    body_id: str
    url: str
    content_type: str | None
    warc_file: str
    warc_offset: int
    rendered_id: int | None
    rendered_url: str | None
    rendered_file: str | None
    rendered_offset: int | None


def archived_response(record: WarcRecord, url: str) -> Response:
    """The response as the spider saw it: the body decoded, of the class Scrapy chooses."""
    headers = Headers(
        [(name, value) for name, value in record.http_headers if name.lower() != "content-encoding"]
    )
    cls = responsetypes.from_args(headers=headers, url=url, body=record.decoded)
    return cls(url=url, status=record.http_status or 200, headers=headers, body=record.decoded)


def page_source(response: Response, content_type: str | None) -> str | bytes | None:
    """What the crawl analysed of this response, or None where it analysed nothing."""
    is_html = content_type is not None and content_type.startswith(HTML_TYPES)
    if not is_html or response.status >= 400 or not isinstance(response, TextResponse):
        return None
    if binary_kind(response.body):
        return None
    return analysis_source(fitting_encoding(response))


def _refusal(session: Session, run_id: int) -> str | None:
    run = session.get(CrawlRun, run_id)
    if run is None:
        return f"there is no run {run_id} in this database"
    if run.status == RUNNING:
        return f"run {run_id} is still crawling; re-analyse it once it has ended"
    if run.archive_dir is None:
        return (
            f"run {run_id} kept no archive (it was crawled without --archive), so there is "
            "nothing to re-analyse; crawl with --archive to re-analyse later"
        )
    if not Path(run.archive_dir).is_dir():
        return f"the archive of run {run_id} is not at {run.archive_dir} (moved or deleted?)"
    archived = session.scalar(
        select(PageFetch.id).where(PageFetch.run_id == run_id, PageFetch.warc_file.is_not(None))
    )
    if archived is None:
        return f"run {run_id} archived no page"
    return None


def _pages(session: Session, run_id: int) -> list[_Page]:
    """The run's archived pages, in archive order (each file read front to back)."""
    rendered = aliased(RenderedPage)
    statement = (
        select(
            PageFetch.id,
            PageFetch.body_id,
            func.coalesce(PageFetch.final_url, PageFetch.url),
            PageFetch.content_type,
            PageFetch.warc_file,
            PageFetch.warc_offset,
            rendered.id,
            func.coalesce(rendered.final_url, rendered.url),
            rendered.warc_file,
            rendered.warc_offset,
        )
        .outerjoin(
            rendered,
            (rendered.page_id == PageFetch.id)
            & rendered.error.is_(None)
            & rendered.warc_file.is_not(None),
        )
        .where(PageFetch.run_id == run_id, PageFetch.warc_file.is_not(None))
        .order_by(PageFetch.warc_file, PageFetch.warc_offset)
    )
    return [_Page(*row) for row in session.execute(statement)]  # type: ignore[arg-type, call-arg]


@dataclass(slots=True)
class _Result:
    page: _Page
    findings: PageFindings | None
    rendered: PageFindings | None
    failed: bool = False


class _Reanalyser:
    def __init__(self, folder: Path, analyser: PageAnalyser) -> None:
        self.folder = folder
        self.analyser = analyser

    async def page(self, page: _Page) -> _Result:
        record = read_record(self.folder / page.warc_file, page.warc_offset)
        source = page_source(archived_response(record, page.url), page.content_type)
        if source is None:
            return _Result(page, None, None)
        try:
            findings = (await self.analyser.analyse(source, page.url, None)).findings
        except AnalysisFailed:
            return _Result(page, None, None, failed=True)
        rendered = None
        if page.rendered_file is not None and page.rendered_offset is not None:
            dom, log = read_records(self.folder / page.rendered_file, page.rendered_offset, 2)
            try:
                from_dom = await self.analyser.analyse_rendered(
                    dom.decoded, page.rendered_url or page.url, logged_requests(log.json())
                )
            except AnalysisFailed:
                return _Result(page, findings, None, failed=True)
            rendered = with_served_gating(from_dom, findings)
        return _Result(page, findings, rendered)


def _store(
    session: Session, run_id: int, analysis_id: int, results: list[_Result]
) -> tuple[int, int]:
    """Insert a chunk's findings; returns the account and tracker sightings it held."""
    rows: dict[type[Base], list[dict[str, Any]]] = defaultdict(list)
    accounts = trackers = 0
    for result in results:
        page = result.page
        keys = {"run_id": run_id, "body_id": page.body_id, "analysis_id": analysis_id}
        if result.findings is not None:
            findings_rows(result.findings, {**keys, "page_id": page.page_id}, rows)
            accounts += len(result.findings.accounts)
            trackers += len(result.findings.trackers)
        if result.rendered is not None:
            rendered_findings_rows(
                result.rendered, {**keys, "rendered_page_id": page.rendered_id}, rows
            )
    connection = session.connection()
    for model, model_rows in rows.items():
        if model_rows:
            connection.execute(insert(Base.metadata.tables[model.__tablename__]), model_rows)
    return accounts, trackers


def reanalyse_run(
    db_url: str,
    run_id: int,
    workers: int,
    filter_lists: Sequence[Path] = (),
    progress: Callable[[int, int], None] | None = None,
) -> Reanalysis:
    """Re-analyse ``run_id``'s archived pages into a new analysis; ``progress(done, total)``."""
    with read_session(db_url):
        pass  # refuses a database that does not exist rather than creating an empty one
    engine = make_engine(db_url)
    try:
        ensure_current(engine, db_url)
        sessions = make_sessionmaker(engine)
        with sessions.begin() as session:
            refusal = _refusal(session, run_id)
            if refusal is not None:
                raise ReanalysisRefused(refusal)
            run = session.get_one(CrawlRun, run_id)
            folder = Path(run.archive_dir or "")
            pages = _pages(session, run_id)
            code = code_version()
            analysis = Analysis(
                run_id=run_id,
                kind=REANALYSIS,
                catalogue_version=catalogue_version(code),
                code_version=code,
            )
            session.add(analysis)
            session.flush()
            analysis_id, version = analysis.id, analysis.catalogue_version
        started = time.monotonic()
        analyser = PageAnalyser(workers, [str(path) for path in filter_lists])
        analyser.open()
        try:
            accounts, trackers, failed = asyncio.run(
                _analyse_all(sessions, _Reanalyser(folder, analyser), run_id, analysis_id,
                             pages, progress)
            )  # fmt: skip
        finally:
            analyser.close()
        seconds = time.monotonic() - started
        with sessions.begin() as session:
            session.execute(
                update(Analysis)
                .where(Analysis.id == analysis_id)
                .values(finished_at=utcnow(), pages_analysed=len(pages) - failed)
            )
    finally:
        engine.dispose()
    return Reanalysis(run_id, analysis_id, version, len(pages), seconds, accounts, trackers, failed)


async def _analyse_all(
    sessions: Any,
    reanalyser: _Reanalyser,
    run_id: int,
    analysis_id: int,
    pages: list[_Page],
    progress: Callable[[int, int], None] | None,
) -> tuple[int, int, int]:
    accounts = trackers = failed = 0
    for start in range(0, len(pages), CHUNK):
        chunk = pages[start : start + CHUNK]
        results = await asyncio.gather(*(reanalyser.page(page) for page in chunk))
        failed += sum(result.failed for result in results)
        with sessions.begin() as session:
            found = _store(session, run_id, analysis_id, list(results))
        accounts, trackers = accounts + found[0], trackers + found[1]
        if progress is not None:
            progress(start + len(chunk), len(pages))
    return accounts, trackers, failed


__all__ = [
    "ArchiveUnreadable",
    "DatasetMissing",
    "Reanalysis",
    "ReanalysisRefused",
    "reanalyse_run",
]
