"""The rendered tier's baseline: a plain Playwright loop over the same homepages, no Scrapy.

The same Chromium with the same flags and host map (``crawler/render/config.launch_args``), the
same context options, the same number of pages at once, a new context per page; each page is
loaded to its load event, network idle is waited for up to the same cap, and its DOM and cookies
are read. Nothing is gated, analysed or stored, and every resource downloads: this is what a
browser alone costs on these pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from crawler.render.config import launch_args
from crawler.render.observe import CONTEXT_KWARGS


@dataclass(frozen=True, slots=True)
class Visit:
    """How long a page may take: the load event, then network idle (capped)."""

    load_timeout: float
    idle_timeout: float


async def visit(browser: Browser, url: str, bounds: Visit) -> bool:
    """Load one page in a fresh context and read it; False if the browser failed it."""
    context = await browser.new_context(**CONTEXT_KWARGS)
    try:
        page = await context.new_page()
        await page.goto(url, wait_until="load", timeout=bounds.load_timeout * 1000)
        with contextlib.suppress(PlaywrightTimeout):
            await page.wait_for_load_state("networkidle", timeout=bounds.idle_timeout * 1000)
        await page.content()
        await context.cookies()
    except PlaywrightError:
        return False
    finally:
        with contextlib.suppress(PlaywrightError):
            await context.close()
    return True


async def render_all(
    urls: list[str], chromium: str, hosts: Mapping[str, str], pages: int, bounds: Visit
) -> dict[str, Any]:
    """Render every URL, ``pages`` at once; pages done, failed, and seconds from launch to close."""
    done = failed = 0
    async with async_playwright() as playwright:
        started = time.monotonic()
        browser = await playwright.chromium.launch(
            executable_path=chromium, headless=True, args=launch_args(hosts)
        )
        queue: Iterator[str] = iter(urls)

        async def work() -> None:
            nonlocal done, failed
            for url in queue:  # one shared iterator: each URL is taken once
                if await visit(browser, url, bounds):
                    done += 1
                else:
                    failed += 1

        await asyncio.gather(*(work() for _ in range(pages)))
        await browser.close()
        elapsed = time.monotonic() - started
    return {"rendered_pages": done, "failed_pages": failed, "elapsed_time_seconds": elapsed}


def run(spec: dict[str, Any]) -> None:
    """``benchmarks.child``'s entry: render the spec's homepages and write the counts."""
    urls: list[str] = json.loads(Path(spec["pages"]).read_text(encoding="utf-8"))
    bounds = Visit(spec["load_timeout"], spec["idle_timeout"])
    counts = asyncio.run(
        render_all(urls, spec["chromium"], spec["hosts"], spec["pages_at_once"], bounds)
    )
    Path(spec["stats"]).write_text(json.dumps(counts, indent=1), encoding="utf-8")
