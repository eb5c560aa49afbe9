"""What the archive keeps of a page, and where a kept record lies; plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ArchivedAt:
    """Where a record lies: its file in the run's archive folder, its offset, its WARC id."""

    file: str
    offset: int
    record_id: str


@dataclass(frozen=True, slots=True)
class ServedExchange:
    """A request as sent and its response as served (headers and body, before decoding)."""

    url: str
    method: str
    request_headers: tuple[tuple[str, str], ...]
    protocol: str  # "HTTP/1.1"
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    fetched_at: datetime
    ip_address: str | None = None


@dataclass(frozen=True, slots=True)
class RenderedSnapshot:
    """A rendered page for the archive: its DOM and the browser's log (requests, cookies,
    storage) as JSON-ready data."""

    url: str
    dom: bytes
    log: dict[str, object]
    rendered_at: datetime
