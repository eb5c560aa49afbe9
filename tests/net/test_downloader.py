"""Finished sites' downloader slots are dropped after 15 s idle, never before their delay passed."""

from __future__ import annotations

from time import monotonic

import pytest
from scrapy.core.downloader import Slot
from scrapy.utils.test import get_crawler

from crawler import settings as govsocial_settings
from crawler.net.downloader import SLOT_IDLE_SECONDS, PromptSlotGcDownloader


@pytest.fixture
def downloader() -> PromptSlotGcDownloader:
    return PromptSlotGcDownloader(get_crawler())


def idle_slot(seconds: float, delay: float = 1.0) -> Slot:
    slot = Slot(concurrency=2, delay=delay, jitter=0)
    slot.lastseen = monotonic() - seconds
    return slot


def test_a_slot_idle_longer_than_its_delay_and_15_s_is_dropped(
    downloader: PromptSlotGcDownloader,
) -> None:
    # Scrapy's own downloader keeps such a slot for another 40 s at least.
    downloader.slots["done.de"] = idle_slot(SLOT_IDLE_SECONDS + 5)
    downloader._slot_gc()
    assert "done.de" not in downloader.slots


def test_recent_waiting_and_busy_slots_are_kept(downloader: PromptSlotGcDownloader) -> None:
    downloader.slots["recent.de"] = idle_slot(5)
    # Last request 20 s ago, but 10 s of delay: dropping it would let the next request in early.
    downloader.slots["slow.de"] = idle_slot(SLOT_IDLE_SECONDS + 5, delay=10)
    busy = downloader.slots["busy.de"] = idle_slot(SLOT_IDLE_SECONDS + 5)
    busy.active.add(object())  # type: ignore[arg-type]
    downloader._slot_gc()
    assert set(downloader.slots) == {"recent.de", "slow.de", "busy.de"}


def test_the_crawl_uses_it() -> None:
    assert govsocial_settings.DOWNLOADER == "crawler.net.downloader.PromptSlotGcDownloader"
    assert PromptSlotGcDownloader._SLOT_GC_INTERVAL == SLOT_IDLE_SECONDS
