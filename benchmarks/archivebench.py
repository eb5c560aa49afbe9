"""What the archive costs: crawl throughput with and without ``--archive``, its size, and the
speed of ``govsocial reanalyse`` against the crawl that produced the run.

Crawls alternate (plain, archived, plain, archived, ...) against one server, so the machine's
load falls on both alike; each figure is a ratio within this one run. The size per 1,000 pages
is measured twice: on the synthetic web's pages, and on the shared corpus of real public
websites' homepages written straight to an archive (real markup compresses differently).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from benchmarks import crawlbench
from benchmarks.synthweb import WebShape
from crawler.analysis.pool import default_workers
from crawler.archive.records import ServedExchange
from crawler.archive.warc import ArchiveWriter, run_folder
from crawler.run.reanalyse import reanalyse_run
from db.session import make_engine


@dataclass(frozen=True, slots=True)
class ArchivedRound:
    """One pair of crawls of the same web, and the archived run's re-analysis."""

    plain: crawlbench.CrawlResult
    archived: crawlbench.CrawlResult
    archive_bytes: int
    response_bytes: int
    bodies: int
    reanalysed_pages: int
    reanalyse_s: float


def folder_bytes(folder: Path) -> int:
    """Bytes of the WARC files in ``folder``."""
    return sum(path.stat().st_size for path in folder.glob("*.warc.gz"))


def _response_bytes(db_url: str) -> tuple[int, int]:
    engine = make_engine(db_url)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT coalesce(sum(bytes), 0), count(DISTINCT body_id) FROM pages")
        ).one()
    engine.dispose()
    return int(row[0]), int(row[1])


def rounds(
    shape: WebShape, settings: crawlbench.CrawlSettings, folder: Path, count: int
) -> list[ArchivedRound]:
    """``count`` alternating pairs of crawls of ``shape``, each archived run re-analysed."""
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    with crawlbench.serve(shape, settings.latency_ms) as served:
        for index in range(count):
            plain_spec = crawlbench.govsocial_spec(shape, settings, folder, served.port)
            plain = crawlbench.run_child("govsocial", plain_spec, folder, served)
            archive = folder / f"archive-{index}"
            shutil.rmtree(archive, ignore_errors=True)  # a run of an earlier invocation
            spec = crawlbench.govsocial_spec(shape, settings, folder, served.port)
            archived = crawlbench.run_child(
                "govsocial", {**spec, "archive": str(archive)}, folder, served
            )
            response_bytes, bodies = _response_bytes(spec["db_url"])
            workers = settings.analysis_workers
            outcome = reanalyse_run(
                spec["db_url"], 1, default_workers() if workers is None else workers
            )
            results.append(
                ArchivedRound(
                    plain,
                    archived,
                    folder_bytes(run_folder(archive.resolve(), 1)),
                    response_bytes,
                    bodies,
                    outcome.pages,
                    outcome.seconds,
                )
            )
    return results


def corpus_archive(corpus: Path, folder: Path) -> tuple[int, int, int, float]:
    """The corpus pages written as responses to one archive: pages, their bytes, the archive's
    bytes, and the seconds the writer took."""
    pages = sorted(corpus.glob("*.html"))
    shutil.rmtree(folder, ignore_errors=True)
    writer = ArchiveWriter(folder, 0)
    body_bytes = 0
    started = time.perf_counter()
    for page in pages:
        body = page.read_bytes()
        body_bytes += len(body)
        writer.write_exchange(
            ServedExchange(
                url=f"https://{page.stem}.example/",
                method="GET",
                request_headers=(("Host", f"{page.stem}.example"),),
                protocol="HTTP/1.1",
                status=200,
                reason="OK",
                headers=(("Content-Type", "text/html; charset=utf-8"),),
                body=body,
                fetched_at=datetime.now(UTC),
            )
        )
    writer.close()
    seconds = time.perf_counter() - started
    return len(pages), body_bytes, folder_bytes(folder), seconds
