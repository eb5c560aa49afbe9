"""The crawl of public bodies: each body's homepage, then its most telling same-site pages."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.analysis.linkrank import Candidate
from crawler.analysis.pool import (
    ANALYSIS_FAILED,
    FILTER_LISTS_SETTING,
    AnalysisFailed,
    PageAnalyser,
    analysis_workers,
)
from crawler.detection.domains import url_domain
from crawler.detection.rendered import with_served_gating
from crawler.items import BodyOutcome, PageItem, PageRender
from crawler.limits import OPEN_BODIES_PER_REQUEST, max_open_bodies
from crawler.net.capture import SERVED_META
from crawler.net.connections import body_done
from crawler.net.deadline import DEADLINE_META
from crawler.net.outcomes import HTTP_ERROR, NOT_HTML, OK, classify_failure
from crawler.net.sniff import analysis_source, binary_kind, fitting_encoding
from crawler.render.config import RENDER_LAST_META, RENDER_META, body_context
from crawler.settings import CONCURRENT_REQUESTS
from crawler.spiders.inputs import Homepage, StoredBody
from db.models import utcnow

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Pages below the homepage only add links that look like account or legal pages.
MAX_DEPTH = 2
HOMEPAGE_PRIORITY = 0
SUBPAGE_PRIORITY = 100  # finish started bodies before opening new ones: per-body state stays small
# Set on the homepage request of a resumed body whose homepage is already stored: it is fetched
# again only for its links, and not stored twice.
STORED_META = "already_stored"
# The page error of a page whose handling raised (a defect, or the machine out of resources).
SPIDER_ERROR = "spider_error"
RENDER_FAILED = "render_failed"
STATIC_ITEM_META = "static_item"  # a rendered request carries its page's static item


@dataclass(slots=True)
class BodyState:
    """What the spider tracks for a body while its requests are in flight; dropped when done."""

    body_id: str
    homepage: str
    started_at: datetime
    seen: set[str] = field(default_factory=set)
    site_domains: frozenset[str] = frozenset()
    scheduled: int = 0
    in_flight: int = 0
    pages_fetched: int = 0
    pages_over_time: int = 0
    deadline: float | None = None
    outcome: str | None = None
    reason: str | None = None
    final_url: str | None = None


class BodiesSpider(scrapy.Spider):
    """Fetches each seed's homepage and up to ``max_pages`` same-site pages per body.

    ``stored`` holds, for a resumed run, what is already stored of bodies that were under way
    when the run stopped: those pages are not fetched again and count towards the budget.
    """

    name = "bodies"

    def __init__(
        self,
        homepages: Iterator[Homepage],
        max_pages: int = 10,
        stored: Mapping[str, StoredBody] | None = None,
        render: str = "none",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if max_pages < 1:
            raise ValueError("max_pages must be at least 1")
        # An iterator, not a collection: read as the crawl goes, never held whole.
        self.homepages = homepages
        self.max_pages = max_pages
        self.stored = stored or {}
        self.render_mode = render
        self.bodies: dict[str, BodyState] = {}
        self.analyser = PageAnalyser(workers=0)
        self.max_open_bodies = OPEN_BODIES_PER_REQUEST * CONCURRENT_REQUESTS  # see from_crawler
        self._body_closed = asyncio.Event()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> BodiesSpider:
        """Pages are analysed as the settings say: how many workers, which filter lists."""
        spider: BodiesSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.max_open_bodies = max_open_bodies(settings)
        spider.analyser = PageAnalyser(
            analysis_workers(settings), settings.getlist(FILTER_LISTS_SETTING)
        )
        crawler.signals.connect(spider.analyser.open, signal=signals.spider_opened)
        crawler.signals.connect(spider.analyser.close, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        """One homepage request per body, created lazily so a national list costs no memory."""
        async for body_id, url in self._bodies_to_open():
            state = BodyState(body_id, url, started_at=utcnow(), seen={url})
            stored = self.stored.get(body_id)
            if stored is not None:
                state.seen |= stored.urls
                state.scheduled, state.pages_fetched = len(stored.urls), stored.pages_ok
                if stored.homepage_error is not None:
                    yield self._stored_failure(state, stored.homepage_error)
                    continue
            self.bodies[body_id] = state
            again = stored is not None and url in stored.urls
            yield self._request(state, url, depth=0, priority=HOMEPAGE_PRIORITY, again=again)

    async def _bodies_to_open(self) -> AsyncIterator[Homepage]:
        """The next body to crawl, read from the source only once fewer than the limit are open.

        Scrapy pulls start requests whenever its queues have room, not when a body can be
        crawled: without the wait every homepage would sit in the scheduler.
        """
        homepages = iter(self.homepages)
        while True:
            while len(self.bodies) >= self.max_open_bodies:
                self._body_closed.clear()
                await self._body_closed.wait()
            homepage = next(homepages, None)
            if homepage is None:
                return
            yield homepage

    def _request(
        self, state: BodyState, url: str, depth: int, priority: int, again: bool = False
    ) -> scrapy.Request:
        state.scheduled += not again
        state.in_flight += 1
        meta = {"body_id": state.body_id, "depth": depth, "requested_url": url}
        if state.deadline is not None:
            meta[DEADLINE_META] = state.deadline
        if again:
            meta[STORED_META] = True
        # The spider deduplicates per body; Scrapy's global filter would silently drop redirect
        # loops and URLs that two bodies share, and such a body would never get its outcome.
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            priority=priority,
            meta=meta,
            dont_filter=True,
        )

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        """Record the page, queue its most telling links, and close the body when done."""
        state = self.bodies[response.meta["body_id"]]
        state.seen.add(response.url)
        state.seen.update(response.meta.get("redirect_urls", ()))
        depth = response.meta["depth"]
        if isinstance(response, TextResponse):
            response = fitting_encoding(response)
        item = self._page_item(response, state.body_id, depth)
        item.served = response.meta.pop(SERVED_META, None)
        is_html = item.content_type is not None and item.content_type.startswith(HTML_TYPES)
        binary = binary_kind(response.body) if is_html else None
        if depth == 0:
            state.deadline = response.meta.get(DEADLINE_META)
            self._record_homepage(state, response, is_html, binary)
        if is_html and not binary and response.status < 400 and isinstance(response, TextResponse):
            # Ranking is the costliest step after parsing; skip it when nothing can follow.
            wants_links = depth < MAX_DEPTH and state.scheduled < self.max_pages
            try:
                analysis = await self.analyser.analyse(
                    analysis_source(response),
                    response.url,
                    state.site_domains if wants_links else None,
                )
            except AnalysisFailed as error:
                item.error = f"{ANALYSIS_FAILED}: {error}"
            else:
                item.title, item.findings = analysis.title, analysis.findings
                for request in self._follow(state, analysis.links, depth):
                    yield request
                if not response.meta.get(STORED_META) and self._renders(depth):
                    # The page is stored once the browser has loaded it too, with what it did.
                    state.pages_fetched += 1
                    yield self._render_request(state, response, item)
                    return
        if not response.meta.get(STORED_META):
            state.pages_fetched += 1
            yield item
        for outcome in self._settle(state):
            yield outcome

    def _renders(self, depth: int) -> bool:
        return self.render_mode == "all" or (self.render_mode == "homepage" and depth == 0)

    def _render_request(
        self, state: BodyState, response: Response, item: PageItem
    ) -> scrapy.Request:
        """The same page again, in the browser; it takes over the static page's place in flight.

        Its own context per body (no cookies shared between sites), closed when the body renders
        nothing more.
        """
        return scrapy.Request(
            response.url,
            callback=self.parse_rendered,
            errback=self.on_render_error,
            priority=SUBPAGE_PRIORITY * 2,  # a page in the browser is finished before new ones
            dont_filter=True,
            meta={
                "body_id": state.body_id,
                "depth": item.depth,
                "playwright": True,
                "playwright_context": body_context(state.body_id),
                RENDER_LAST_META: self.render_mode == "homepage",
                STATIC_ITEM_META: item,
                # Robots.txt allowed this page a moment ago; the browser follows no redirects of
                # Scrapy's, and its requests have their own gate (crawler/render/gate.py).
                "dont_redirect": True,
            },
        )

    async def parse_rendered(self, response: Response) -> AsyncIterator[Any]:
        """Store the page with what the browser did: its DOM's and its requests' findings."""
        state = self.bodies[response.meta["body_id"]]
        item: PageItem = response.meta[STATIC_ITEM_META]
        render: PageRender = response.meta[RENDER_META]
        render.dom = response.body
        state.seen.add(response.url)
        try:
            findings = await self.analyser.analyse_rendered(
                response.body, render.final_url or response.url, render.requests
            )
        except AnalysisFailed as error:
            render.error = f"{ANALYSIS_FAILED}: {error}"
        else:
            # Consent gating is a property of the HTML as served: a tracker the served markup
            # holds back and the browser requested anyway loaded before consent.
            served = item.findings
            render.findings = with_served_gating(findings, served) if served else findings
        item.render = render
        yield item
        for outcome in self._settle(state):
            yield outcome

    def on_render_error(self, failure: Failure) -> Iterator[Any]:
        """A page the browser could not load is stored from the static fetch, marked failed."""
        request = failure.request  # type: ignore[attr-defined]
        state = self.bodies[request.meta["body_id"]]
        item: PageItem = request.meta[STATIC_ITEM_META]
        reason = " ".join(str(failure.value).split()) or type(failure.value).__name__
        item.render = PageRender(url=request.url, error=f"{RENDER_FAILED}: {reason}"[:1000])
        yield item
        yield from self._settle(state)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        """Record a failed request; a failed homepage makes the body unreachable."""
        request = failure.request  # type: ignore[attr-defined]
        state = self.bodies[request.meta["body_id"]]
        outcome, reason = classify_failure(failure)
        depth = request.meta.get("depth", 0)
        if depth == 0:
            state.outcome, state.reason = outcome, reason
        elif outcome == "body_time_limit":
            state.pages_over_time += 1
        if not request.meta.get(STORED_META):
            yield PageItem(
                body_id=state.body_id,
                url=request.meta.get("requested_url", request.url),
                depth=depth,
                error=f"{outcome}: {reason}",
            )
        yield from self._settle(state)

    def page_failed(self, response: Response, error: Exception) -> Iterator[Any] | None:
        """Record a body's page whose handling raised, and settle the body (None: not a body's).

        Scrapy calls no errback when a callback raises: the body would never get its outcome
        and would keep its place among the open bodies; with enough such pages, no new body
        could open and the crawl would wait for ever.
        """
        state = self.bodies.get(response.meta.get("body_id", ""))
        if state is None:
            return None
        return self._failed_page(state, response, f"{type(error).__name__}: {error}")

    def _failed_page(self, state: BodyState, response: Response, reason: str) -> Iterator[Any]:
        depth = response.meta.get("depth", 0)
        if depth == 0 and state.outcome is None:
            state.outcome, state.reason = "error", reason
        if not response.meta.get(STORED_META):
            state.pages_fetched += 1  # fetched, as a page whose analysis failed
            yield PageItem(
                body_id=state.body_id,
                url=response.meta.get("requested_url", response.url),
                depth=depth,
                final_url=response.url,
                status=response.status,
                error=f"{SPIDER_ERROR}: {reason}",
            )
        yield from self._settle(state)

    def _stored_failure(self, state: BodyState, error: str) -> BodyOutcome:
        """The outcome of a resumed body whose failed homepage is already stored."""
        state.outcome, _, state.reason = error.partition(": ")
        return _outcome(state)

    def _page_item(self, response: Response, body_id: str, depth: int) -> PageItem:
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        return PageItem(
            body_id=body_id,
            url=response.meta.get("requested_url", response.url),
            depth=depth,
            final_url=response.url,
            status=response.status,
            content_type=content_type.split(";")[0].strip() or None,
            bytes=len(response.body),
            content_hash=hashlib.sha256(response.body).hexdigest(),
        )

    def _record_homepage(
        self, state: BodyState, response: Response, is_html: bool, binary: str | None
    ) -> None:
        state.final_url = response.url
        state.site_domains = frozenset({url_domain(state.homepage), url_domain(response.url)})
        if response.status >= 400:
            state.outcome, state.reason = HTTP_ERROR, f"HTTP {response.status}"
        elif not is_html:
            state.outcome, state.reason = NOT_HTML, "homepage is not HTML"
        elif binary:
            state.outcome, state.reason = NOT_HTML, f"homepage labelled HTML is {binary} data"
        else:
            state.outcome, state.reason = OK, None
        if url_domain(response.url) != url_domain(state.homepage):
            via = ", ".join(str(step) for step in response.meta.get("redirect_reasons", []))
            moved = f"moved to {response.url}" + (f" (redirect: {via})" if via else "")
            state.reason = "; ".join(filter(None, (moved, state.reason)))

    def _follow(
        self, state: BodyState, links: tuple[Candidate, ...], depth: int
    ) -> Iterator[scrapy.Request]:
        for candidate in links:
            if state.scheduled >= self.max_pages:
                return
            if depth > 0 and candidate.score <= 0:
                return  # below the homepage, only links that promise accounts are worth a fetch
            if candidate.url in state.seen:
                continue
            state.seen.add(candidate.url)
            yield self._request(
                state, candidate.url, depth + 1, SUBPAGE_PRIORITY + max(candidate.score, 0)
            )

    def _settle(self, state: BodyState) -> Iterator[BodyOutcome]:
        state.in_flight -= 1
        if state.in_flight > 0:
            return
        del self.bodies[state.body_id]
        self._body_closed.set()
        self.crawler.signals.send_catch_log(body_done, hosts=_hosts(state), body_id=state.body_id)
        yield _outcome(state)


def _hosts(state: BodyState) -> set[str]:
    """The lower-case names of the hosts a body's requests and their redirects reached."""
    urls = [*state.seen, state.final_url] if state.final_url else state.seen
    return {host for host in (urlsplit(url).hostname for url in urls) if host}


def _outcome(state: BodyState) -> BodyOutcome:
    """How a body's crawl ended, from what its state gathered."""
    reason = state.reason
    if state.pages_over_time and state.outcome == OK:
        over = f"time limit reached, {state.pages_over_time} page(s) not fetched"
        reason = "; ".join(filter(None, (reason, over)))
    final_domain = url_domain(state.final_url) if state.final_url else None
    moved_to = final_domain if final_domain and final_domain != url_domain(state.homepage) else None
    return BodyOutcome(
        body_id=state.body_id,
        seed_url=state.homepage,
        reachable=state.outcome == OK,
        outcome=state.outcome or "error",
        reason=reason,
        final_url=state.final_url,
        moved_to=moved_to,
        pages_fetched=state.pages_fetched,
        started_at=state.started_at,
    )
