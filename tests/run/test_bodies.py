"""The crawl reads a run's bodies from the database lazily and never holds the seed list whole."""

from __future__ import annotations

import asyncio
from collections.abc import Generator, Sized
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import scrapy
from scrapy.utils.test import get_crawler
from sqlalchemy import Engine, delete, event, select
from sqlalchemy.orm import Session, sessionmaker

from crawler.run.bodies import count_remaining, remaining_homepages
from crawler.run.crawl import CrawlOptions, run_crawl
from crawler.run.lifecycle import resume_run, start_run
from crawler.run.progress import TOTAL_SETTING
from crawler.seeds.seedfile import SeedList, read_seeds
from crawler.spiders.bodies import BodiesSpider
from crawler.spiders.inputs import Homepage
from db.models import INTERRUPTED, BodyVisit, CrawlRun, RunBody
from tests.faults.conftest import write_seeds

BODIES = [
    (f"{index:02d}", f"Gemeinde {index}", f"http://www.g{index:02d}.de/") for index in range(7)
]
# Not in id order, so order by id and order by position tell apart.
SEED_ORDER = [BODIES[index] for index in (3, 0, 6, 1, 5, 2, 4)]


@pytest.fixture
def seed_list(tmp_path: Path) -> SeedList:
    """Seven bodies, listed out of id order."""
    return read_seeds(write_seeds(tmp_path / "seeds.csv", SEED_ORDER))


@pytest.fixture
def run_id(sessions: sessionmaker[Session], seed_list: SeedList) -> int:
    """A started run of ``seed_list``."""
    with sessions.begin() as session:
        return start_run(session, seed_list, {}).id


def _finish_bodies(sessions: sessionmaker[Session], run_id: int, body_ids: list[str]) -> None:
    with sessions.begin() as session:
        session.add_all(
            BodyVisit(run_id=run_id, body_id=body_id, seed_url="x", reachable=True, outcome="ok")
            for body_id in body_ids
        )


def _count_run_body_reads(engine: Engine) -> list[str]:
    """Statements that read run_bodies from now on, as a list that grows."""
    reads: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "run_bodies" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    return reads


def test_homepages_come_in_seed_file_order(sessions: sessionmaker[Session], run_id: int) -> None:
    expected = [Homepage(body_id, url) for body_id, _, url in SEED_ORDER]
    assert list(remaining_homepages(sessions, run_id)) == expected


def test_bodies_with_an_outcome_are_skipped(sessions: sessionmaker[Session], run_id: int) -> None:
    _finish_bodies(sessions, run_id, ["03", "06", "04"])
    assert [home.body_id for home in remaining_homepages(sessions, run_id)] == [
        "00",
        "01",
        "05",
        "02",
    ]


def test_remaining_count_is_the_progress_total(
    sessions: sessionmaker[Session], run_id: int
) -> None:
    _finish_bodies(sessions, run_id, ["00", "01"])
    with sessions() as session:
        assert count_remaining(session, run_id) == 5


def test_homepages_are_read_one_page_of_rows_at_a_time(
    sessions: sessionmaker[Session], run_id: int
) -> None:
    engine = sessions.kw["bind"]
    reads = _count_run_body_reads(engine)
    homepages = remaining_homepages(sessions, run_id, page_size=3)
    assert reads == []  # nothing is read before the crawl asks for the first body
    next(homepages)
    assert len(reads) == 1
    assert len(list(homepages)) == 6
    assert len(reads) == 3  # pages of 3, 3 and 1 rows


def test_bodies_finished_while_reading_are_not_seen_again(
    sessions: sessionmaker[Session], run_id: int
) -> None:
    homepages = remaining_homepages(sessions, run_id, page_size=2)
    first = next(homepages)
    _finish_bodies(sessions, run_id, [first.body_id])
    assert first.body_id not in {home.body_id for home in homepages}


def test_a_run_started_before_run_bodies_gets_them_when_resumed(
    sessions: sessionmaker[Session], run_id: int, seed_list: SeedList
) -> None:
    with sessions.begin() as session:
        session.execute(delete(RunBody).where(RunBody.run_id == run_id))
        session.get_one(CrawlRun, run_id).status = INTERRUPTED
    with sessions.begin() as session:
        resume_run(session, run_id, seed_list)
    with sessions() as session:
        positions = session.scalars(
            select(RunBody.body_id).where(RunBody.run_id == run_id).order_by(RunBody.position)
        )
        assert list(positions) == [body_id for body_id, _, _ in SEED_ORDER]


class _CountingSource:
    """An endless source of homepages that counts how many were taken."""

    def __init__(self) -> None:
        self.taken = 0

    def __iter__(self) -> _CountingSource:
        return self

    def __next__(self) -> Homepage:
        self.taken += 1
        return Homepage(f"{self.taken:05d}", f"http://www.g{self.taken:05d}.de/")


def test_the_spider_takes_one_body_from_its_source_per_homepage_request() -> None:
    source = _CountingSource()
    spider = BodiesSpider(homepages=source, max_pages=2)

    async def first_two() -> list[scrapy.Request]:
        start = spider.start()
        return [await anext(start), await anext(start)]

    requests = asyncio.run(first_two())
    assert [request.url for request in requests] == [
        "http://www.g00001.de/",
        "http://www.g00002.de/",
    ]
    assert source.taken == 2


def test_no_body_is_opened_while_max_open_bodies_are_under_way() -> None:
    source = _CountingSource()
    # Built by its crawler: a settled body is announced on the crawler's signals.
    spider = BodiesSpider.from_crawler(get_crawler(BodiesSpider), homepages=source, max_pages=2)
    spider.max_open_bodies = 2

    async def crawl_start() -> tuple[bool, int, str]:
        start = spider.start()
        await anext(start)
        await anext(start)
        third = asyncio.ensure_future(anext(start))
        await asyncio.sleep(0.05)
        waited, taken_while_full = not third.done(), source.taken
        list(spider._settle(spider.bodies["00001"]))  # the first body's last page came back
        request = await asyncio.wait_for(third, timeout=5)
        return waited, taken_while_full, request.url

    waited, taken_while_full, third_url = asyncio.run(crawl_start())
    assert waited
    assert taken_while_full == 2
    assert third_url == "http://www.g00003.de/"
    assert sorted(spider.bodies) == ["00002", "00003"]


def test_the_crawl_hands_the_spider_a_lazy_database_source(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, tmp_path: Path
) -> None:
    handed: dict[str, Any] = {}

    class FakeProcess:
        """Stands in for CrawlerProcess: records what the spider would get, crawls nothing."""

        def __init__(self, settings: Any) -> None:
            handed["total"] = settings.getint(TOTAL_SETTING)

        def create_crawler(self, spider_class: type[BodiesSpider]) -> SimpleNamespace:
            return SimpleNamespace(stats=None)

        def crawl(self, crawler: object, **kwargs: Any) -> None:
            handed.update(kwargs)

        def start(self) -> None:
            handed["first"] = next(handed["homepages"])

    monkeypatch.setattr("crawler.run.crawl.CrawlerProcess", FakeProcess)
    seeds = write_seeds(tmp_path / "seeds.csv", SEED_ORDER)
    run_crawl(CrawlOptions(seeds=seeds, db_url=sqlite_url, progress=False))
    assert isinstance(handed["homepages"], Generator)
    assert not isinstance(handed["homepages"], Sized)
    assert handed["first"] == Homepage("03", "http://www.g03.de/")
    assert handed["total"] == len(SEED_ORDER)
