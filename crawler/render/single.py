"""One live page rendered outside a crawl, for ``govsocial inspect --render``.

The same gate, log and bounds as a rendering crawl, driven by Playwright directly: no Scrapy,
no database.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable, Mapping

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Route, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

from crawler.items import PageRender
from crawler.render.config import launch_args
from crawler.render.gate import RequestGate
from crawler.render.observe import CONTEXT_KWARGS, PageLog


class RenderFailed(Exception):
    """The page could not be loaded or observed in the browser."""


async def render_page(
    url: str,
    chromium: str,
    hosts: Mapping[str, str],
    allow_private: bool,
    load_timeout: float,
    idle_timeout: float,
) -> tuple[PageRender, str, str | None]:
    """The page's render, its rendered DOM, and the HTML as served (None if there was none)."""
    gate = RequestGate(hosts, allow_private)

    async def guard(route: Route) -> None:
        request = route.request
        if await gate.refusal(request.url, request.resource_type, url) is not None:
            await route.abort()
        else:
            await route.continue_()

    if await gate.refusal(url, "document", url) is not None:
        raise RenderFailed(f"refused: {url} is on a private address (use --allow-private)")
    started = time.monotonic()
    try:
        return await _render(url, chromium, hosts, gate, guard, load_timeout, idle_timeout, started)
    except PlaywrightError as error:
        raise RenderFailed(" ".join(str(error).split("\n", 1)[0].split())) from None


async def _render(
    url: str,
    chromium: str,
    hosts: Mapping[str, str],
    gate: RequestGate,
    guard: Callable[[Route], Awaitable[None]],
    load_timeout: float,
    idle_timeout: float,
    started: float,
) -> tuple[PageRender, str, str | None]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium, headless=True, args=launch_args(hosts)
        )
        try:
            context = await browser.new_context(**CONTEXT_KWARGS)
            page = await context.new_page()
            log = PageLog(gate)
            await log.attach(page)
            await page.route("**/*", guard)
            response = await page.goto(url, wait_until="load", timeout=load_timeout * 1000)
            with contextlib.suppress(PlaywrightTimeout):
                await page.wait_for_load_state("networkidle", timeout=idle_timeout * 1000)
            render, dom = await log.render(page, url, started)
            served = None
            if response is not None:
                with contextlib.suppress(PlaywrightError):
                    served = await response.text()
            return render, dom, served
        finally:
            await browser.close()
