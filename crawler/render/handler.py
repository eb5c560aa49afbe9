"""The download handler of a rendering crawl: plain requests as ever, chosen ones in Chromium.

Installing scrapy-playwright's handler for http(s) would replace the project's own one and,
with it, the per-body deadline. This handler is both: its method resolution order puts
scrapy-playwright's handler before ``DeadlineDownloadHandler``, whose ``download_request`` the
former calls for every request without ``meta["playwright"]``. Rendered requests get their own
bounds instead: at most ``GOVSOCIAL_RENDER_PAGES`` pages at once, the load event within the
load timeout, then network idle waited for at most the idle timeout.

scrapy-playwright keeps the browser, its contexts and pages; the visit itself is ours. Its own
route handler and navigation ask the driver for the headers of every request and response a
page makes, and read the DOM at the load event, which this handler reads again once the page
has gone quiet. A visit here keeps the browser's own headers and asks for the document's only
(benchmarks/RESULTS.md: no change in pages per second beyond the noise of its measurement).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from typing import Any

from playwright.async_api import Browser, Page, Route
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Request as PlaywrightRequest
from playwright.async_api import Response as PlaywrightResponse
from playwright.async_api import TimeoutError as PlaywrightTimeout
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Headers, HtmlResponse, Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.items import PageRender
from crawler.limits import setting_count
from crawler.net.connections import body_done
from crawler.net.deadline import DeadlineDownloadHandler
from crawler.net.guard import ALLOW_PRIVATE_SETTING
from crawler.net.resolver import HOSTS_SETTING
from crawler.render.config import (
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_LOAD_TIMEOUT,
    DEFAULT_RENDER_PAGES,
    DEFAULT_RESTART_PAGES,
    RENDER_IDLE_SETTING,
    RENDER_LAST_META,
    RENDER_LEAVES_SETTING,
    RENDER_LOAD_SETTING,
    RENDER_META,
    RENDER_PAGES_SETTING,
    RENDER_RESTART_SETTING,
    body_context,
)
from crawler.render.gate import LEAVES_SKIP, RequestGate
from crawler.render.observe import CONTEXT_KWARGS, PageLog

logger = logging.getLogger(__name__)

_LOG_META = "render_log"
CLOSE_TIMEOUT = 10.0
READ_TIMEOUT = 10.0  # reading requests, cookies, storage and the DOM of a loaded page


class RenderFailed(Exception):
    """The browser could not load or observe the page; the reason is stored as ``render_failed``."""


class RenderingDownloadHandler(ScrapyPlaywrightDownloadHandler, DeadlineDownloadHandler):
    """Scrapy's HTTP handler with the body deadline, and Chromium for ``meta["playwright"]``.

    Scrapy makes one handler per scheme; the first one made for a crawl renders for both, so
    http and https pages share one browser and one bound on pages at once.
    """

    _renderers: weakref.WeakKeyDictionary[Crawler, RenderingDownloadHandler] = (
        weakref.WeakKeyDictionary()
    )

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.renderer = self._renderers.setdefault(crawler, self)
        settings = crawler.settings
        self.gate = RequestGate(
            settings.getdict(HOSTS_SETTING),
            settings.getbool(ALLOW_PRIVATE_SETTING),
            settings.get(RENDER_LEAVES_SETTING) or LEAVES_SKIP,
        )
        # scrapy-playwright asks this of every request a page makes, before it goes out.
        self.abort_request = self._refuse
        # A page whose browser died is a failed render, recorded as such: loading it again in a
        # fresh browser would hide that, and a page that kills browsers would kill three.
        self.config.target_closed_max_retries = 0
        pages = settings.get(RENDER_PAGES_SETTING) or DEFAULT_RENDER_PAGES
        self.slots = asyncio.Semaphore(setting_count(RENDER_PAGES_SETTING, pages, minimum=1))
        self.idle_timeout = settings.getfloat(RENDER_IDLE_SETTING, DEFAULT_IDLE_TIMEOUT)
        load_timeout = settings.getfloat(RENDER_LOAD_SETTING, DEFAULT_LOAD_TIMEOUT)
        self.visit_timeout = load_timeout + self.idle_timeout + READ_TIMEOUT
        restart = settings.get(RENDER_RESTART_SETTING) or DEFAULT_RESTART_PAGES
        self.restart_after = setting_count(RENDER_RESTART_SETTING, restart, minimum=1)
        _quiet_request_logs(settings.get("LOG_LEVEL"))
        self.rendered_since_launch = 0
        self.rendering = 0
        self.idle = asyncio.Condition()
        self.restart_lock = asyncio.Lock()
        self.watched: weakref.WeakSet[Browser] = weakref.WeakSet()
        self.closing: set[asyncio.Future[None]] = set()
        crawler.signals.connect(self.close_body_context, signal=body_done)

    async def _launch(self) -> None:
        """Start Playwright for the handler that renders; the other scheme's handler hands its
        pages over and needs no driver of its own."""
        if self.renderer is self:
            await super()._launch()

    async def download_request(self, request: Request) -> Response:
        """Render ``meta["playwright"]`` requests; everything else goes the plain way."""
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        if self.renderer is not self:
            return await self.renderer.download_request(request)
        async with self.slots:
            await self._maybe_restart_browser()
            self.rendering += 1
            try:
                return await self._render(request)
            finally:
                self.rendering -= 1
                self.rendered_since_launch += 1
                async with self.idle:
                    self.idle.notify_all()

    async def _render(self, request: Request) -> Response:
        started = time.monotonic()
        meta = request.meta
        meta["playwright_include_page"] = True
        meta["playwright_page_init_callback"] = self._attach_log
        meta.setdefault("playwright_context_kwargs", CONTEXT_KWARGS)
        meta.setdefault("playwright_page_goto_kwargs", {"wait_until": "load"})
        try:
            # Playwright bounds the load; reading a page whose script spins after it has loaded
            # waits for ever, so the whole visit has a bound of its own.
            response, render, dom = await asyncio.wait_for(
                self._visit(request, started), self.visit_timeout
            )
        except TimeoutError:
            meta[RENDER_LAST_META] = True  # a cancelled visit may leave its context unusable
            raise RenderFailed(
                f"the page was not loaded and read within {self.visit_timeout:g} s"
            ) from None
        except (PlaywrightError, KeyError, AttributeError) as error:
            # A crashed tab, a browser killed under the page, a load past its time: the page
            # fails, the crawl goes on, and the next render gets a fresh browser if need be.
            raise RenderFailed(_reason(error)) from None
        finally:
            await self._close_page(meta.pop("playwright_page", None), meta)
            meta.pop(_LOG_META, None)
        meta[RENDER_META] = render
        return response.replace(body=dom.encode("utf-8"), encoding="utf-8")

    async def _visit(self, request: Request, started: float) -> tuple[Response, PageRender, str]:
        """Load the page, wait for it to go quiet, and read what the browser did."""
        response = await super().download_request(request)
        page: Page = request.meta["playwright_page"]
        await self._wait_for_quiet(page)
        render, dom = await request.meta[_LOG_META].render(page, request.url, started)
        return response, render, dom

    def _make_request_handler(self, *_: Any, **__: Any) -> Any:
        """Every request a page makes passes the gate; nothing else is asked of the driver."""
        return self._route

    async def _route(self, route: Route, request: PlaywrightRequest) -> None:
        # Headers stay the browser's own: a visitor's browser, on its first visit, with its own
        # user agent and without the cookies the static fetch was given.
        try:
            if await self._refuse(request):
                self.stats.inc_value("playwright/request_count/aborted")
                await route.abort()
            else:
                await route.continue_()
        except PlaywrightError:  # the page closed under its request
            return

    async def _download_request_with_page(
        self, request: Request, page: Page, spider: Spider
    ) -> Response:
        """Load the page to its load event; its DOM is read later, once the page is quiet."""
        request.meta["playwright_page"] = page
        started = time.monotonic()
        document = await page.goto(request.url, **request.meta["playwright_page_goto_kwargs"])
        headers = Headers()
        if document is not None:
            _set_redirect_meta(request, document)
            headers = Headers(await document.all_headers())
            headers.pop("Content-Encoding", None)
        request.meta["download_latency"] = time.monotonic() - started
        return HtmlResponse(
            url=page.url,
            status=document.status if document is not None else 200,
            headers=headers,
            body=b"",
            request=request,
            flags=["playwright"],
        )

    async def _wait_for_quiet(self, page: Page) -> None:
        """Network idle, or the cap: long-polling and beaconing pages never go quiet."""
        with contextlib.suppress(PlaywrightTimeout):
            await page.wait_for_load_state("networkidle", timeout=self.idle_timeout * 1000)

    async def _attach_log(self, page: Page, request: Request) -> None:
        log = PageLog(self.gate)
        await log.attach(page)
        request.meta[_LOG_META] = log

    async def _refuse(self, request: PlaywrightRequest) -> bool:
        try:
            frame = request.frame
            document = frame.parent_frame is None and request.is_navigation_request()
            top = request.url if document else frame.page.url
        except PlaywrightError:
            top = request.url
        return await self.gate.refusal(request.url, request.resource_type, top) is not None

    async def _close_page(self, page: Page | None, meta: dict[str, Any]) -> None:
        """Close the page (and the body's context if it renders nothing more); a tab that does
        not close in time takes the browser with it, and the next page gets a fresh one."""
        try:
            if page is not None and not page.is_closed():
                await asyncio.wait_for(page.close(run_before_unload=False), CLOSE_TIMEOUT)
            if meta.get(RENDER_LAST_META):
                await self._close_context(meta.get("playwright_context", ""))
        except (PlaywrightError, TimeoutError) as error:
            logger.warning("closing a rendered page failed (%s); restarting the browser", error)
            await self._close_browser()

    def close_body_context(self, body_id: str | None = None, **_: Any) -> None:
        """When a body is done, its browser context goes (cookies, cache, storage)."""
        if body_id is not None and body_context(body_id) in self.context_wrappers:
            task = asyncio.ensure_future(self._close_context(body_context(body_id)))
            self.closing.add(task)
            task.add_done_callback(self.closing.discard)

    async def _close_context(self, name: str) -> None:
        wrapper = self.context_wrappers.get(name)
        if wrapper is not None:
            with contextlib.suppress(PlaywrightError):
                await asyncio.wait_for(wrapper.context.close(), CLOSE_TIMEOUT)

    async def _maybe_restart_browser(self) -> None:
        """A fresh browser every ``GOVSOCIAL_RENDER_RESTART_PAGES`` pages keeps memory flat;
        the old one goes once no page renders in it, and no page starts until it is gone."""
        async with self.restart_lock:
            if self.rendered_since_launch < self.restart_after or not hasattr(self, "browser"):
                return
            async with self.idle:
                await self.idle.wait_for(lambda: self.rendering == 0)
            await self._close_browser()

    async def _close_browser(self) -> None:
        self.rendered_since_launch = 0
        browser = getattr(self, "browser", None)
        if browser is None:
            return
        self._forget(browser)  # the next page launches a new one, whatever this one does now
        with contextlib.suppress(PlaywrightError, TimeoutError):
            await asyncio.wait_for(browser.close(), CLOSE_TIMEOUT)

    async def _maybe_launch_browser(self) -> None:
        await super()._maybe_launch_browser()
        browser = self.browser
        if browser not in self.watched:
            self.watched.add(browser)
            browser.on("disconnected", lambda *_: self._forget(browser))

    async def _browser_disconnected_callback(self) -> None:
        """Replaced by :meth:`_forget`, which knows which browser went: scrapy-playwright's
        callback would forget whichever browser is current when it runs, a new one included."""

    def _forget(self, browser: Browser) -> None:
        """Drop a browser that is gone (killed, crashed, or retired) and its contexts' wrappers."""
        if getattr(self, "browser", None) is not browser:
            return
        for name, wrapper in list(self.context_wrappers.items()):
            if wrapper.context.browser is browser:
                del self.context_wrappers[name]
        del self.browser


def _set_redirect_meta(request: Request, document: PlaywrightResponse) -> None:
    """The redirects on the way to the document, as Scrapy's redirect middleware names them."""
    urls = []
    redirected = document.request.redirected_from
    while redirected is not None:
        urls.append(redirected.url)
        redirected = redirected.redirected_from
    if urls:
        request.meta["redirect_times"] = len(urls)
        request.meta["redirect_urls"] = urls[::-1]


def _quiet_request_logs(level: object) -> None:
    """scrapy-playwright logs every browser request at DEBUG, asking the driver for a header
    each time, whenever its logger lets DEBUG through (Scrapy's root logger lets all through)."""
    request_logs = logging.getLogger("scrapy_playwright")
    if request_logs.level == logging.NOTSET:
        named = logging.getLevelName(str(level or "INFO").upper())
        request_logs.setLevel(named if isinstance(named, int) else logging.INFO)


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split("\n", 1)[0].split())
    return f"{type(error).__name__}: {text}"[:500]
