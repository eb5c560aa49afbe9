"""Website discovery: each unit's candidate homepages fetched, their Impressum read, a verdict.

The requests go through the crawl's own downloader stack (crawler/settings.py): robots.txt as
RFC 9309 reads it, the private-address guard and the static host map, AutoThrottle. A unit
takes a few requests per candidate (robots.txt, homepage, Impressum). Its first-tier candidates
are fetched first; the fallback tier only if they leave it without a site of its own (none
verified, two equally good, or only its Verband's), and the verdict is then made over both. It
is handed to ``on_verdict`` as soon as its last candidate is settled, so an interrupted discovery
keeps every unit it finished.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.net.outcomes import classify_failure
from crawler.seeds.candidates import Candidate
from crawler.seeds.verify import Evidence, Facts, Verdict, decide, read_page

OPEN_UNITS = 64
# How a generated candidate host becomes a URL. Offline test webs serve plain HTTP on a port of
# their own: -s 'GOVSOCIAL_DISCOVERY_URL=http://{host}:8123/' (with the host map).
URL_SETTING = "GOVSOCIAL_DISCOVERY_URL"
URL_TEMPLATE = "https://{host}/"


@dataclass(frozen=True, slots=True)
class Task:
    """A unit to find a website for: what its pages must show, and its candidates (both tiers)."""

    facts: Facts
    candidates: tuple[Candidate, ...]

    @property
    def first(self) -> tuple[Candidate, ...]:
        """The first tier: what is fetched for every unit."""
        return tuple(candidate for candidate in self.candidates if not candidate.fallback)

    @property
    def fallback(self) -> tuple[Candidate, ...]:
        """The fallback tier: fetched only if the first finds no site of the unit's own."""
        return tuple(candidate for candidate in self.candidates if candidate.fallback)


@dataclass(slots=True)
class _Open:
    task: Task
    pending: int
    escalated: bool = False
    found: list[tuple[Evidence, str]] = field(default_factory=list)

    @property
    def tried(self) -> int:
        """The candidates fetched: the first tier, and the fallback once escalated."""
        return len(self.task.candidates) if self.escalated else len(self.task.first)


class DiscoverySpider(Spider):
    """Fetches every candidate of every unit and hands each unit's verdict on."""

    name = "discovery"

    def __init__(
        self,
        tasks: Iterable[Task] = (),
        on_verdict: Callable[[Verdict], None] = lambda _: None,
        open_units: int = OPEN_UNITS,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.tasks = tasks
        self.on_verdict = on_verdict
        self.open_units = open_units
        self.open: dict[str, _Open] = {}
        self._closed = asyncio.Event()
        self.url_template = URL_TEMPLATE

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DiscoverySpider:
        """Candidate URLs are made as ``GOVSOCIAL_DISCOVERY_URL`` says."""
        spider: DiscoverySpider = super().from_crawler(crawler, *args, **kwargs)
        spider.url_template = crawler.settings.get(URL_SETTING) or URL_TEMPLATE
        return spider

    async def start(self) -> AsyncIterator[Any]:
        """Each unit's candidate requests, a bounded number of units at a time."""
        for task in self.tasks:
            while len(self.open) >= self.open_units:
                self._closed.clear()
                await self._closed.wait()
            if not task.candidates:
                self.on_verdict(decide(task.facts, [], 0))
                continue
            # A unit with no first tier goes straight to its fallback.
            first = task.first or task.fallback
            state = _Open(task, len(first), escalated=not task.first)
            self.open[task.facts.id] = state
            for request in self._requests(task, first):
                yield request

    def _requests(self, task: Task, candidates: Iterable[Candidate]) -> Iterator[Request]:
        for candidate in candidates:
            url = self.url_template.format(host=candidate.host) if candidate.host else None
            yield Request(
                url or candidate.url,
                callback=self.parse_homepage,
                errback=self.on_error,
                dont_filter=True,
                meta={
                    "unit": task.facts.id,
                    "evidence": Evidence(candidate.url),
                    "of": candidate.of,
                },
            )

    def parse_homepage(self, response: Response) -> Iterator[Request]:
        """Read the homepage; fetch the Impressum it links before deciding."""
        evidence: Evidence = response.meta["evidence"]
        evidence.final_url = response.url
        state = self.open[response.meta["unit"]]
        if not _html(response, evidence):
            self._settle(response.meta)
            return
        impressum = read_page(evidence, response.text, response.url, state.task.facts)
        if impressum and not (evidence.plz or evidence.ags):
            meta = {key: response.meta[key] for key in ("unit", "evidence", "of")}
            yield Request(
                impressum,
                callback=self.parse_impressum,
                errback=self.on_impressum_error,
                dont_filter=True,
                meta=meta,
            )
            return
        self._settle(response.meta)

    def parse_impressum(self, response: Response) -> None:
        """Read the Impressum, then decide the candidate."""
        evidence: Evidence = response.meta["evidence"]
        facts = self.open[response.meta["unit"]].task.facts
        if _html(response, evidence, failing=False):
            read_page(evidence, response.text, response.url, facts)
        self._settle(response.meta)

    def on_error(self, failure: Failure) -> None:
        """A candidate that did not answer: recorded as such."""
        meta = failure.request.meta  # type: ignore[attr-defined]
        outcome, reason = classify_failure(failure)
        meta["evidence"].failure = f"{outcome}: {reason}"
        self._settle(meta)

    def on_impressum_error(self, failure: Failure) -> None:
        """An Impressum that did not answer: the homepage's evidence stands."""
        self._settle(failure.request.meta)  # type: ignore[attr-defined]

    def _settle(self, meta: dict[str, Any]) -> None:
        state = self.open[meta["unit"]]
        state.found.append((meta["evidence"], meta["of"]))
        state.pending -= 1
        if state.pending > 0:
            return
        verdict = decide(state.task.facts, state.found, state.tried)
        fallback = state.task.fallback
        if verdict.website_of != "self" and fallback and not state.escalated:
            state.escalated = True
            state.pending = len(fallback)
            engine = self.crawler.engine
            if engine is None:  # the crawl is being torn down: the unit stays unfinished
                return
            for request in self._requests(state.task, fallback):
                engine.crawl(request)
            return
        del self.open[meta["unit"]]
        self.on_verdict(verdict)
        self._closed.set()


def _html(response: Response, evidence: Evidence, failing: bool = True) -> bool:
    if isinstance(response, TextResponse) and response.status < 400:
        return True
    if failing:
        evidence.failure = f"HTTP {response.status}" if response.status >= 400 else "not HTML"
    return False
