"""A spider middleware that breaks the handling of chosen pages, for the end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Response

BROKEN_HOSTS = ("www.nordheim.de",)


class BreakPagesOfHosts:
    """Raises instead of passing on the spider's output for pages of ``BROKEN_HOSTS``."""

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        """Raise before the spider's callback runs for a broken host; pass the rest on."""
        if response.url.split("/")[2].split(":")[0] in BROKEN_HOSTS:
            raise RuntimeError(f"handling of {response.url} broke")
        async for item in result:
            yield item
