"""The writer stores a page's render with the page: requests, cookies, storage, findings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from crawler.items import BodyOutcome, PageItem, StorageKey
from crawler.pipelines.writer import RunWriter
from db import migrate
from db.models import URL_MAX_LENGTH, Body, CrawlRun, HttpRequest
from db.session import make_engine, make_sessionmaker
from tests.renders import cookie, profile, rendered_page, request, tracker

BODY = "09162000"
SITE = "muenchen.de"
PAGE = "https://www.muenchen.de/datenschutz"


@dataclass
class Run:
    """A migrated database with one body, one running run and its writer."""

    engine: Engine
    writer: RunWriter

    def write(self, *items: PageItem | BodyOutcome) -> None:
        """Store ``items`` as the crawl would, in one transaction."""
        for item in items:
            if isinstance(item, PageItem):
                self.writer.add_page(item)
            else:
                self.writer.add_outcome(item)
        self.writer.flush()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of a query, as plain tuples."""
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]


@pytest.fixture
def run(any_db_url: str) -> Iterator[Run]:
    migrate.upgrade(any_db_url)
    engine = make_engine(any_db_url)
    with make_sessionmaker(engine)() as session:
        session.add(Body(id=BODY, name="München", state="Bayern", attributes={}))
        crawl = CrawlRun(status="running", settings={}, code_version="test", render_mode="all")
        session.add(crawl)
        session.commit()
        run_id = crawl.id
    yield Run(engine, RunWriter(make_sessionmaker(engine), run_id, batch_size=100))
    engine.dispose()


def _outcome(pages: int) -> BodyOutcome:
    return BodyOutcome(
        body_id=BODY,
        seed_url="https://www.muenchen.de/",
        reachable=True,
        outcome="ok",
        reason=None,
        final_url="https://www.muenchen.de/",
        moved_to=None,
        pages_fetched=pages,
        started_at=datetime(2026, 12, 7, tzinfo=UTC),
    )


def _full_render() -> PageItem:
    return rendered_page(
        BODY,
        PAGE,
        requests=(
            request(PAGE, SITE, resource_type="document"),
            request("https://connect.facebook.net/de_DE/fbevents.js", SITE),
            request("https://www.facebook.com/tr?id=1", SITE, resource_type="image",
                    status=None, blocked="not_downloaded"),
        ),
        cookies=(
            cookie("_fbp", ".muenchen.de", SITE),
            cookie("fr", ".facebook.com", SITE, set_by="header"),
            cookie("IDE", ".doubleclick.net", SITE, set_by="header",
                   refused="ThirdPartyBlockedInFirstPartySet"),
            cookie("session", "www.muenchen.de", SITE, lifetime_days=None, set_by="header"),
        ),
        storage=(StorageKey("local", "_gcl_ls"), StorageKey("session", "consent")),
        trackers=(tracker("facebook-pixel", "markup+requests", consent_gated=True),),
        links=(profile("instagram", "muenchen"),),
    )  # fmt: skip


def test_rendered_page_row_counts_what_the_browser_did(run: Run) -> None:
    run.write(_full_render())
    assert run.rows(
        "SELECT rp.body_id, rp.url, rp.final_url, rp.error, rp.duration_ms, rp.requests, "
        "rp.third_party_requests, rp.cookies, rp.third_party_cookies, p.url "
        "FROM rendered_pages rp JOIN pages p ON p.id = rp.page_id"
    ) == [(BODY, PAGE, PAGE, None, 1800, 3, 2, 3, 1, PAGE)]


def test_requests_are_stored_with_host_party_and_why_they_were_stopped(run: Run) -> None:
    run.write(_full_render())
    assert run.rows(
        "SELECT host, method, resource_type, status, third_party, blocked "
        "FROM http_requests ORDER BY id"
    ) == [
        ("www.muenchen.de", "GET", "document", 200, False, None),
        ("connect.facebook.net", "GET", "script", 200, True, None),
        ("www.facebook.com", "GET", "image", None, True, "not_downloaded"),
    ]


def test_cookies_are_stored_held_and_refused(run: Run) -> None:
    run.write(_full_render())
    assert run.rows(
        "SELECT name, domain, path, lifetime_days, http_only, same_site, third_party, set_by, "
        "refused FROM browser_cookies ORDER BY id"
    ) == [
        ("_fbp", ".muenchen.de", "/", 90.0, False, "Lax", False, "script", None),
        ("fr", ".facebook.com", "/", 90.0, True, "Lax", True, "header", None),
        ("IDE", ".doubleclick.net", "/", 90.0, True, "Lax", True, "header",
         "ThirdPartyBlockedInFirstPartySet"),
        ("session", "www.muenchen.de", "/", None, True, None, False, "header", None),
    ]  # fmt: skip


def test_storage_keys_trackers_and_links_belong_to_the_rendered_page(run: Run) -> None:
    run.write(_full_render())
    [(rendered_id,)] = run.rows("SELECT id FROM rendered_pages")
    assert (
        run.rows("SELECT rendered_page_id, area, key FROM browser_storage ORDER BY id"),
        run.rows(
            "SELECT rendered_page_id, tracker_id, seen_in, consent_gated, element, rule "
            "FROM rendered_trackers"
        ),
        run.rows("SELECT rendered_page_id, platform, handle FROM rendered_social_links"),
    ) == (
        [(rendered_id, "local", "_gcl_ls"), (rendered_id, "session", "consent")],
        [(rendered_id, "facebook-pixel", "markup+requests", True, "script", "facebook-pixel")],
        [(rendered_id, "instagram", "muenchen")],
    )


def test_a_failed_render_keeps_only_its_row_with_the_error(run: Run) -> None:
    failed = rendered_page(
        BODY,
        PAGE,
        error="render_failed: Timeout 30000ms exceeded",
        requests=(request(PAGE, SITE),),
        cookies=(cookie("_fbp", ".muenchen.de", SITE),),
        storage=(StorageKey("local", "x"),),
        trackers=(tracker("matomo", "requests"),),
    )
    run.write(failed, _outcome(1))
    observations = run.rows(
        "SELECT (SELECT COUNT(*) FROM http_requests) + (SELECT COUNT(*) FROM browser_cookies) "
        "+ (SELECT COUNT(*) FROM browser_storage) + (SELECT COUNT(*) FROM rendered_trackers) "
        "+ (SELECT COUNT(*) FROM rendered_social_links)"
    )
    assert (
        run.rows("SELECT error, requests, cookies FROM rendered_pages"),
        observations,
        run.rows("SELECT pages_rendered FROM crawl_runs"),
    ) == ([("render_failed: Timeout 30000ms exceeded", 0, 0)], [(0,)], [(0,)])


def test_pages_rendered_counts_successful_renders_when_the_body_is_done(run: Run) -> None:
    plain = PageItem(body_id=BODY, url="https://www.muenchen.de/", depth=0, status=200)
    failed = rendered_page(BODY, PAGE + "?failed", error="render_failed: crashed")
    run.write(plain, _full_render(), failed)
    before = run.rows("SELECT pages_rendered FROM crawl_runs")
    run.write(_outcome(3))
    assert (before, run.rows("SELECT render_mode, pages_rendered FROM crawl_runs")) == (
        [(0,)],
        [("all", 1)],
    )


def test_renders_of_one_batch_keep_their_own_observations(run: Run) -> None:
    pages = [
        rendered_page(BODY, f"{PAGE}/{n}", requests=(request(f"https://cdn{n}.net/", SITE),))
        for n in range(5)
    ]
    run.write(*pages)
    assert run.rows(
        "SELECT rp.url, hr.host FROM http_requests hr "
        "JOIN rendered_pages rp ON rp.id = hr.rendered_page_id ORDER BY rp.url"
    ) == [(f"{PAGE}/{n}", f"cdn{n}.net") for n in range(5)]


def test_a_beacon_url_longer_than_the_column_is_cut_to_fit(run: Run) -> None:
    beacon = "https://www.google-analytics.com/g/collect?" + "x" * 3000
    run.write(rendered_page(BODY, PAGE, requests=(request(beacon, SITE),)))
    with make_sessionmaker(run.engine)() as session:
        stored = session.scalars(select(HttpRequest.url)).one()
    assert stored == beacon[:URL_MAX_LENGTH]
