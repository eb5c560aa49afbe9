"""Reading a run's archive: one record at an offset, or every whole record of a file.

Records are gzip members. A member that does not end (the process was killed while writing
it) can only be the last of its file; reading stops before it and says so, and nothing in
the database points at it, since rows are committed only after their records are flushed.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

CHUNK = 64 * 1024


class ArchiveUnreadable(OSError):
    """A record is not where the database says, or its file is gone or damaged."""


@dataclass(frozen=True, slots=True)
class WarcRecord:
    """One archived record, read whole: its WARC headers, HTTP headers (if any) and content.

    ``content`` is the body as served for a response (still compressed if the server
    compressed it); ``decoded`` is it with the HTTP content encoding undone.
    """

    offset: int
    record_type: str
    headers: dict[str, str]
    http_status: int | None
    http_headers: list[tuple[str, str]]
    content: bytes
    decoded: bytes = field(repr=False)

    @property
    def record_id(self) -> str:
        """The WARC-Record-ID."""
        return self.headers.get("WARC-Record-ID", "")

    @property
    def target_uri(self) -> str:
        """The WARC-Target-URI."""
        return self.headers.get("WARC-Target-URI", "")

    def json(self) -> Any:
        """The content read as JSON (a metadata record's browser log)."""
        return json.loads(self.decoded)


@dataclass(slots=True)
class FileReading:
    """The whole records of one WARC file, and whether a partial record ended it."""

    records: list[WarcRecord]
    partial_at: int | None = None  # offset of the cut record at the end, if any


def _member(handle: BinaryIO) -> bytes | None:
    """The next gzip member from ``handle`` decompressed; None at the end of the file.

    Raises EOFError for a member that does not end.
    """
    start = handle.tell()
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    parts: list[bytes] = []
    while not decompressor.eof:
        chunk = handle.read(CHUNK)
        if not chunk:
            if not parts and handle.tell() == start:
                return None
            raise EOFError("gzip member cut short")
        try:
            parts.append(decompressor.decompress(chunk))
        except zlib.error as error:
            raise EOFError(f"damaged gzip member: {error}") from None
    # Give back what was read past this member's end.
    handle.seek(-len(decompressor.unused_data), 1)
    return b"".join(parts)


def _parse(offset: int, member: bytes) -> WarcRecord:
    record = next(iter(ArchiveIterator(BytesIO(member))))
    http = record.http_headers
    raw = record.raw_stream.read()
    content_stream = next(iter(ArchiveIterator(BytesIO(member)))).content_stream()
    status = None
    if http is not None and record.rec_type == "response":
        status = int(http.get_statuscode() or 0) or None
    return WarcRecord(
        offset=offset,
        record_type=record.rec_type,
        headers=dict(record.rec_headers.headers),
        http_status=status,
        http_headers=list(http.headers) if http is not None else [],
        content=raw,
        decoded=content_stream.read(),
    )


def read_record(path: Path, offset: int) -> WarcRecord:
    """The record at ``offset`` in ``path``."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            member = _member(handle)
    except FileNotFoundError:
        raise ArchiveUnreadable(f"archive file {path} is missing") from None
    except EOFError as error:
        raise ArchiveUnreadable(f"no whole record at {path}:{offset} ({error})") from None
    if member is None:
        raise ArchiveUnreadable(f"no record at {path}:{offset} (past the end of the file)")
    return _parse(offset, member)


def read_records(path: Path, offset: int, count: int) -> list[WarcRecord]:
    """``count`` records in a row from ``offset`` (a page's response and request, a DOM and
    its log)."""
    records = []
    with path.open("rb") as handle:
        handle.seek(offset)
        for _ in range(count):
            start = handle.tell()
            try:
                member = _member(handle)
            except EOFError as error:
                raise ArchiveUnreadable(f"no whole record at {path}:{start} ({error})") from None
            if member is None:
                raise ArchiveUnreadable(f"no record at {path}:{start}")
            records.append(_parse(start, member))
    return records


def iter_file(path: Path) -> Iterator[WarcRecord | int]:
    """Every whole record of ``path`` in order; then, if a cut record ends it, its offset."""
    with path.open("rb") as handle:
        while True:
            start = handle.tell()
            try:
                member = _member(handle)
            except EOFError:
                yield start
                return
            if member is None:
                return
            yield _parse(start, member)


def read_file(path: Path) -> FileReading:
    """The whole records of ``path``, and the offset of a partial record at its end."""
    reading = FileReading([])
    for item in iter_file(path):
        if isinstance(item, int):
            reading.partial_at = item
        else:
            reading.records.append(item)
    return reading
