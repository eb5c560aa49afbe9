"""Scrapy's downloader, forgetting the per-site slots of finished sites sooner.

Scrapy keeps a slot (queue, delay, time of the last request) per host and drops one only once it
has been idle for 60 s, looking every 60 s: a slot outlives its site by up to two minutes. A
crawl of public bodies visits each site for one body only, so at dozens of bodies a second
thousands of dead slots are held at once, and the crawl process grew with the number of bodies
(benchmarks/RESULTS.md). Dropping them sooner costs no politeness: Scrapy drops a slot only once
its delay has passed as well, so a later request to the same host still waits the full delay.
"""

from __future__ import annotations

from scrapy.core.downloader import Downloader

# How long a site's slot is kept after its last request (plus that slot's delay), and how often
# old slots are looked for. As long as an idle keep-alive connection is kept (crawler/settings.py).
SLOT_IDLE_SECONDS = 15.0


class PromptSlotGcDownloader(Downloader):
    """Scrapy's ``Downloader``, dropping idle slots after 15 s instead of 60 to 120 s."""

    _SLOT_GC_INTERVAL = SLOT_IDLE_SECONDS

    def _slot_gc(self, age: float = SLOT_IDLE_SECONDS) -> None:
        super()._slot_gc(age)
