"""Page analysis in the crawl process and in worker processes: same results, and a dead worker
costs only the page it had in hand."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.analysis.page import PageAnalysis, analyse_page
from crawler.analysis.pool import AnalysisFailed, PageAnalyser, default_workers

AHLEN = "de_stadt-ahlen.html"
AHLEN_URL = (
    "https://www.ahlen.de/start/aktuelles/aktuelle/information/nachricht/aus-ahlen/"
    "reparaturcafe-am-31-januar/"
)
SITE = frozenset({"ahlen.de"})


@pytest.fixture(scope="module")
def ahlen(shared_dir: Path) -> str:
    """A real municipal page (Ahlen, NRW) linking to its Facebook and X accounts."""
    return (shared_dir / "corpus" / AHLEN).read_text(encoding="utf-8")


def analyse_with(analyser: PageAnalyser, *pages: tuple[str | bytes, str]) -> list[PageAnalysis]:
    async def run() -> list[PageAnalysis]:
        return [await analyser.analyse(text, url, SITE) for text, url in pages]

    analyser.open()
    try:
        return asyncio.run(run())
    finally:
        analyser.close()


def accounts(analysis: PageAnalysis) -> set[str]:
    return {f"{link.platform}/{link.handle}" for link in analysis.findings.accounts}


def test_a_worker_finds_what_the_crawl_process_finds(ahlen: str) -> None:
    in_process = analyse_with(PageAnalyser(workers=0), (ahlen, AHLEN_URL))[0]
    in_worker = analyse_with(PageAnalyser(workers=1), (ahlen, AHLEN_URL))[0]
    assert accounts(in_worker) == {"facebook/105755382801136", "x/ahlen_de"}
    assert in_worker == in_process == analyse_page(ahlen, AHLEN_URL, SITE)
    assert in_worker.title
    assert in_worker.links


def test_a_worker_given_utf8_bytes_finds_what_text_gives(ahlen: str) -> None:
    from_bytes = analyse_with(PageAnalyser(workers=1), (ahlen.encode(), AHLEN_URL))[0]
    assert from_bytes == analyse_page(ahlen, AHLEN_URL, SITE)
    assert accounts(from_bytes) == {"facebook/105755382801136", "x/ahlen_de"}


def test_links_are_ranked_only_when_site_domains_are_given(ahlen: str) -> None:
    assert analyse_page(ahlen, AHLEN_URL, SITE).links
    unranked = analyse_page(ahlen, AHLEN_URL, None)
    assert unranked.links == ()
    assert accounts(unranked) == {"facebook/105755382801136", "x/ahlen_de"}


def test_a_dead_worker_fails_its_page_and_a_new_pool_takes_over(ahlen: str) -> None:
    analyser = PageAnalyser(workers=1)

    async def run() -> tuple[PageAnalysis, str, PageAnalysis]:
        first = await analyser.analyse(ahlen, AHLEN_URL, SITE)
        for worker in multiprocessing.active_children():
            os.kill(worker.pid or 0, signal.SIGKILL)
        time.sleep(0.5)  # the pool notices its worker is gone
        try:
            await analyser.analyse(ahlen, AHLEN_URL, SITE)
            failed = ""
        except AnalysisFailed as error:
            failed = str(error)
        return first, failed, await analyser.analyse(ahlen, AHLEN_URL, SITE)

    analyser.open()
    try:
        first, failed, after = asyncio.run(run())
    finally:
        analyser.close()
    assert failed.startswith("analysis worker died")
    assert after == first


def test_filter_lists_are_compiled_in_the_worker(tmp_path: Path) -> None:
    pytest.importorskip("adblock")
    filter_list = tmp_path / "list.txt"
    filter_list.write_text("! Title: t\n! Version: 7\n||stats.example^$script\n", encoding="utf-8")
    page = (
        '<html><script src="https://stats.example/t.js"></script>'
        '<script src="https://cdn.example/t.js"></script></html>'
    )
    analysis = analyse_with(
        PageAnalyser(workers=1, filter_list_paths=[str(filter_list)]), (page, "https://a.de/")
    )[0]
    hits = [(hit.list_version, hit.resource_url) for hit in analysis.findings.filter_hits]
    assert hits == [("7", "https://stats.example/t.js")]


def test_an_unreadable_filter_list_fails_before_any_worker_starts(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        PageAnalyser(workers=1, filter_list_paths=[str(tmp_path / "missing.txt")]).open()
    assert not multiprocessing.active_children()


def test_a_negative_worker_count_is_refused() -> None:
    with pytest.raises(ValueError, match="GOVSOCIAL_ANALYSIS_WORKERS"):
        PageAnalyser(workers=-1)


def test_one_worker_per_core_at_most_two_and_none_on_one_core() -> None:
    assert [default_workers(cpus) for cpus in (1, 2, 3, 8)] == [0, 2, 2, 2]


def test_a_worker_imports_neither_scrapy_nor_twisted() -> None:
    """What a spawned worker imports decides its size: with Scrapy it weighed 74 MB, not ~47."""
    code = (
        "import sys, crawler.analysis.worker, crawler.cli\n"
        "roots = {name.split('.')[0] for name in sys.modules}\n"
        "print(sorted(roots & {'scrapy', 'twisted', 'sqlalchemy'}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"
