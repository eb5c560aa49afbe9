"""What the spider hands to the pipelines: fetched pages and per-body outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.detection.findings import PageFindings


@dataclass(slots=True)
class PageItem:
    """One fetched (or failed) page of a body; ``findings`` is set for analysed HTML pages."""

    body_id: str
    url: str
    depth: int
    final_url: str | None = None
    status: int | None = None
    content_type: str | None = None
    bytes: int | None = None
    content_hash: str | None = None
    title: str | None = None
    error: str | None = None
    findings: PageFindings | None = field(default=None, repr=False)


@dataclass(slots=True)
class BodyOutcome:
    """How crawling one body ended in this run: reachable or not, and why."""

    body_id: str
    seed_url: str
    reachable: bool
    outcome: str
    reason: str | None
    final_url: str | None
    moved_to: str | None
    pages_fetched: int
    started_at: datetime
