"""What a run hands the spider: where each body starts, and what a resumed run already stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Homepage(NamedTuple):
    """Where the crawl of one body starts."""

    body_id: str
    url: str


@dataclass(frozen=True, slots=True)
class StoredBody:
    """The pages stored for a body that was under way when its run stopped."""

    urls: frozenset[str]
    pages_ok: int
    homepage_error: str | None
