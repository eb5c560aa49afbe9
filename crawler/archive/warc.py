"""Writing a run's archive: one set of gzip-compressed WARC files per run, rolled at a size.

Each record is its own gzip member, so a reader can start at any record's offset, and a crash
can cut only the member in flight: :meth:`ArchiveWriter.flush` makes every record written so
far durable, and the crawl calls it before committing rows that point at those records.

A static page is a ``response`` record (status line, headers and body as served, compressed
or not, the body as Scrapy received it) followed by the ``request`` record that fetched it. A
rendered page is a ``resource`` record of its DOM followed by a ``metadata`` record with the
browser's log of it (JSON). Transfer-Encoding is kept as ``X-Archive-Orig-Transfer-Encoding``:
the body is stored de-chunked, and a reader must not try to de-chunk it again.
"""

from __future__ import annotations

import json
import os
import zlib
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler import __version__
from crawler.archive.records import ArchivedAt, RenderedSnapshot, ServedExchange

# The archive root (each run gets its own folder below it); unset: no archive.
ARCHIVE_DIR_SETTING = "GOVSOCIAL_ARCHIVE_DIR"
ARCHIVE_MAX_BYTES_SETTING = "GOVSOCIAL_ARCHIVE_MAX_BYTES"  # a file is rolled past this size
DEFAULT_MAX_BYTES = 1_000_000_000  # the customary size of a WARC file
# gzip -1: on the shared corpus 1.6 ms per page against 3.6 at zlib's default 6 (warcio's 9 is
# slower still), for an archive 18% larger (benchmarks/RESULTS.md); `warcio recompress` can
# shrink a finished run's files later.
COMPRESSION_LEVEL = 1
_RENAMED_HEADERS = {"transfer-encoding": "X-Archive-Orig-Transfer-Encoding"}
LOG_CONTENT_TYPE = "application/json"


def warc_date(moment: datetime) -> str:
    """A WARC-Date: UTC, to the microsecond."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def run_folder(root: Path, run_id: int) -> Path:
    """The folder of one run's WARC files under the archive root."""
    return root / f"run-{run_id:06d}"


class ArchiveWriter:
    """Appends a run's records to its current WARC file, starting a new file past ``max_bytes``.

    A new writer (a resumed run) never appends to an existing file: it starts its own, so a
    partial record a crash left at the end of a file stays the last thing in that file.
    """

    def __init__(
        self,
        folder: Path,
        run_id: int,
        max_bytes: int = DEFAULT_MAX_BYTES,
        worker_id: int | None = None,
    ) -> None:
        self.folder = folder
        self.run_id = run_id
        # A shared run's batches write side by side, from several machines: the worker's row
        # (unique in the database) names their files apart, the pid apart within a worker.
        self.writer_tag = f"w{worker_id}-{os.getpid()}" if worker_id else str(os.getpid())
        self.max_bytes = max_bytes
        self.started = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self.sequence = 0
        self.handle: BinaryIO | None = None
        self.name = ""
        self.size = 0
        self.serialiser = WARCWriter(BytesIO(), gzip=False, warc_version="WARC/1.1")

    def write_exchange(self, exchange: ServedExchange) -> ArchivedAt:
        """Archive a static fetch; returns where its response record lies."""
        response = self._record(
            exchange.url,
            "response",
            exchange.body,
            {"WARC-Date": warc_date(exchange.fetched_at)}
            | ({"WARC-IP-Address": exchange.ip_address} if exchange.ip_address else {}),
            http_headers=StatusAndHeaders(
                f"{exchange.status} {exchange.reason}".strip(),
                [(_renamed(name), value) for name, value in exchange.headers],
                protocol=exchange.protocol,
            ),
        )
        response_id = response.rec_headers.get_header("WARC-Record-ID")
        target = urlsplit(exchange.url)
        path = target.path or "/"
        if target.query:
            path += f"?{target.query}"
        request = self._record(
            exchange.url,
            "request",
            b"",
            {"WARC-Date": warc_date(exchange.fetched_at), "WARC-Concurrent-To": response_id},
            http_headers=StatusAndHeaders(
                f"{exchange.method} {path} {exchange.protocol}",
                list(exchange.request_headers),
                is_http_request=True,
            ),
        )
        return self._write_group([response, request])

    def write_rendered(self, snapshot: RenderedSnapshot, page: ArchivedAt | None) -> ArchivedAt:
        """Archive a rendered page's DOM and the browser's log; returns where the DOM lies."""
        date = {"WARC-Date": warc_date(snapshot.rendered_at)}
        related = {"WARC-Refers-To": page.record_id} if page is not None else {}
        dom = self._record(
            snapshot.url, "resource", snapshot.dom, date | related, content_type="text/html"
        )
        dom_id = dom.rec_headers.get_header("WARC-Record-ID")
        log = json.dumps(snapshot.log, ensure_ascii=False, sort_keys=True).encode("utf-8")
        metadata = self._record(
            snapshot.url,
            "metadata",
            log,
            date | {"WARC-Concurrent-To": dom_id},
            content_type=LOG_CONTENT_TYPE,
        )
        return self._write_group([dom, metadata])

    def flush(self) -> None:
        """Make every record written so far durable (before rows pointing at them commit)."""
        if self.handle is not None:
            self.handle.flush()
            os.fsync(self.handle.fileno())

    def close(self) -> None:
        """Flush and close the current file."""
        if self.handle is not None:
            self.flush()
            self.handle.close()
            self.handle = None

    def _record(
        self,
        url: str,
        record_type: str,
        payload: bytes,
        headers: dict[str, str],
        *,
        http_headers: StatusAndHeaders | None = None,
        content_type: str = "",
    ) -> Any:
        return self.serialiser.create_warc_record(
            url,
            record_type,
            payload=BytesIO(payload),
            length=len(payload),
            warc_content_type=content_type,
            warc_headers_dict=headers,
            http_headers=http_headers,
        )

    def _write_group(self, records: list[Any]) -> ArchivedAt:
        """Write records one gzip member each, into one file; returns where the first lies."""
        handle = self._file()
        record_id = records[0].rec_headers.get_header("WARC-Record-ID")
        first = ArchivedAt(self.name, self.size, record_id)
        for record in records:
            member = self._member(record)
            handle.write(member)
            self.size += len(member)
        return first

    def _member(self, record: Any) -> bytes:
        buffer = BytesIO()
        self.serialiser.out = buffer
        self.serialiser.write_record(record)
        compressor = zlib.compressobj(COMPRESSION_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        return compressor.compress(buffer.getvalue()) + compressor.flush()

    def _file(self) -> BinaryIO:
        if self.handle is not None and self.size < self.max_bytes:
            return self.handle
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.name = (
            f"govsocial-run{self.run_id:06d}-{self.started}-{self.writer_tag}-"
            f"{self.sequence:05d}.warc.gz"
        )
        self.sequence += 1
        self.handle = (self.folder / self.name).open("xb")
        self.size = 0
        info = self.serialiser.create_warcinfo_record(
            self.name,
            {
                "software": f"govsocial/{__version__}",
                "format": "WARC File Format 1.1",
                "isPartOf": f"govsocial run {self.run_id}",
            },
        )
        member = self._member(info)
        self.handle.write(member)
        self.size += len(member)
        return self.handle


def _renamed(name: str) -> str:
    return _RENAMED_HEADERS.get(name.lower(), name)
