"""Rendered crawls of the loopback web in real Chromium, asserting on database rows.

Every observation is "before consent": nothing on a page is clicked.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from crawler import __version__
from db.session import make_engine
from tests.e2e.conftest import govsocial
from tests.faults.conftest import rows
from tests.render.conftest import RenderWeb
from tests.render.server import GTM_ID, PIXEL_ID

pytestmark = [pytest.mark.e2e, pytest.mark.render]

EngineFor = Callable[[str], Engine]


# Sites rendered together in one run, shared by the tests below that only read it.
SHARED_RUN = (
    *("chain", "cookies", "gated", "leaky", "ssrf", "longpoll", "rude", "spin", "spinlater"),
    "visit",
)
# Their findings do not depend on timing (a long poll and a pop-up may).
STEADY = ("chain", "cookies", "gated", "leaky", "ssrf", "spin")


def crawl(web: RenderWeb, tmp_path: Path, *labels: str, extra: tuple[str, ...] = ()) -> str:
    """Crawl one body per label with ``--render homepage``; the database URL."""
    db_url = f"sqlite:///{tmp_path / 'render.sqlite'}"
    result = govsocial(*web.crawl_args(web.seeds(tmp_path, *labels), db_url, *extra))
    assert result.returncode == 0, result.stderr[-3000:]
    return db_url


@pytest.fixture(scope="module")
def shared_run(render_web: RenderWeb, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One rendered run over every site of ``SHARED_RUN``, as an engine on its database."""
    db_url = crawl(render_web, tmp_path_factory.mktemp("rendered"), *SHARED_RUN)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def trackers(engine: Engine, body_id: str) -> dict[str, tuple[object, ...]]:
    """``tracker_id -> (seen_in, consent_gated, ids)`` of the body's rendered homepage."""
    found = rows(
        engine,
        "SELECT tracker_id, seen_in, consent_gated, ids FROM rendered_trackers"
        " WHERE body_id = :body",
        body=body_id,
    )
    return {tracker: (seen_in, bool(gated), ids) for tracker, seen_in, gated, ids in found}


def render_error(engine: Engine, body_id: str) -> str | None:
    (error,) = rows(engine, "SELECT error FROM rendered_pages WHERE body_id = :b", b=body_id)[0]
    return None if error is None else str(error)


def test_a_pixel_injected_by_a_tag_manager_is_seen_with_its_id(
    render_web: RenderWeb, shared_run: Engine
) -> None:
    engine = shared_run
    found = trackers(engine, "chain")
    seen_in, gated, ids = found["google-tag-manager"]
    assert (seen_in, gated) == ("markup+requests", False)
    assert GTM_ID in str(ids)
    # Injected at run time: the served HTML has the tag manager's loader only.
    seen_in, gated, ids = found["facebook-pixel"]
    assert ("requests" in str(seen_in), gated) == (True, False)
    assert PIXEL_ID in str(ids)
    served = rows(engine, "SELECT tracker_id FROM tracker_sightings WHERE body_id = 'chain'")
    assert ("google-tag-manager",) in served
    assert ("facebook-pixel",) not in served
    # The host map took the browser to the loopback vendors, real names in the URLs.
    assert ("www.googletagmanager.com", f"/gtm.js?id={GTM_ID}") in render_web.requests()
    pixel = rows(
        engine,
        "SELECT third_party, resource_type FROM http_requests"
        " WHERE body_id = 'chain' AND host = 'www.facebook.com'",
    )
    assert [(bool(third), kind) for third, kind in pixel] == [(True, "image")]


def test_cookies_by_header_and_by_script_and_refused_third_party_cookies(
    shared_run: Engine,
) -> None:
    def cookies(body_id: str) -> dict[str, tuple[object, ...]]:
        found = rows(
            shared_run,
            "SELECT name, set_by, third_party, refused, set_before_consent, lifetime_days"
            " FROM browser_cookies WHERE body_id = :body",
            body=body_id,
        )
        return {
            name: (by, bool(third), refused, bool(kept), days)
            for name, by, third, refused, kept, days in found
        }

    held = cookies("cookies")
    assert held["sitzung"] == ("header", False, None, True, None)  # a session cookie
    set_by, third, refused, kept, lifetime = held["besuch"]
    assert (set_by, third, refused, kept) == ("script", False, None, True)
    assert lifetime is not None
    assert 0.9 < float(lifetime) <= 1.0
    # The browser blocks third-party cookies as a private window does, and says so; a default
    # browser keeps this one (SameSite=None; Secure): it counts as set before consent.
    set_by, third, refused, kept, lifetime = held["fr"]
    assert (set_by, third, refused, kept) == ("header", True, "UserPreferences", True)
    assert float(lifetime) == 90.0
    # Without SameSite no browser keeps a cookie on another site's page: it does not count.
    set_by, third, refused, kept, _ = cookies("chain")["_gtm_lax"]
    assert (set_by, third, kept) == ("header", True, False)
    assert refused
    storage = rows(shared_run, "SELECT area, key FROM browser_storage WHERE body_id = 'cookies'")
    assert sorted(storage) == [("local", "schrift"), ("session", "reiter")]
    (counted,) = rows(
        shared_run, "SELECT third_party_cookies FROM rendered_pages WHERE body_id = 'cookies'"
    )[0]
    assert counted == 1


def test_the_browser_visits_as_a_first_time_visitor_with_its_own_headers(
    render_web: RenderWeb, shared_run: Engine
) -> None:
    seen = [path for host, path in render_web.requests() if host == "www.visit.test"]
    homepage = [path for path in seen if path.startswith("/ ")]
    script = [path for path in seen if path.startswith("/besuch.js ")]
    # The static fetch, then the browser's: the cookie the first was given stays with Scrapy.
    assert [path.split(" ", 1)[1] for path in homepage] == [
        f"agent=govsocial/{__version__} cookie=-",
        "agent=Mozilla/5.0 cookie=-",
    ]
    assert script == ["/besuch.js agent=Mozilla/5.0 cookie=erster=ja"]  # its own, from its visit


def test_a_consent_tool_that_holds_the_pixel_back_is_reported_gated(
    render_web: RenderWeb, shared_run: Engine
) -> None:
    engine = shared_run
    seen_in, gated, _ = trackers(engine, "gated")["facebook-pixel"]
    assert (seen_in, gated) == ("markup", True)
    hosts = rows(engine, "SELECT host FROM http_requests WHERE body_id = 'gated'")
    assert ("connect.facebook.net",) not in hosts


def test_a_gated_pixel_that_loads_anyway_is_loaded_before_consent(
    render_web: RenderWeb, shared_run: Engine
) -> None:
    engine = shared_run
    seen_in, gated, ids = trackers(engine, "leaky")["facebook-pixel"]
    assert (seen_in, gated) == ("markup+requests", True)
    assert PIXEL_ID in str(ids)


def test_private_and_metadata_addresses_are_refused_from_inside_the_page(
    render_web: RenderWeb, shared_run: Engine
) -> None:
    engine = shared_run
    refused = rows(
        engine,
        "SELECT url, blocked FROM http_requests WHERE body_id = 'ssrf' AND blocked IS NOT NULL",
    )
    urls = {url: blocked for url, blocked in refused}
    assert urls["http://169.254.169.254/latest/meta-data/"] == "private_address"
    secret = f"http://127.0.0.1:{render_web.http}/secret"
    assert urls[secret] == "private_address"
    assert urls[secret + ".gif"] == "private_address"
    assert not [path for _, path in render_web.requests() if path.startswith("/secret")]


def test_a_long_polling_page_and_a_rude_page_are_bounded_and_stored(
    shared_run: Engine,
) -> None:
    engine = shared_run
    assert render_error(engine, "longpoll") is None
    assert render_error(engine, "rude") is None
    polls = rows(engine, "SELECT url FROM http_requests WHERE body_id = 'longpoll'")
    assert any(url.endswith("/poll") for (url,) in polls)


@pytest.mark.parametrize("spinner", ["spin", "spinlater"])
def test_a_cpu_spinning_page_fails_alone_and_the_crawl_goes_on(
    shared_run: Engine, spinner: str
) -> None:
    engine = shared_run
    error = render_error(engine, spinner)
    assert error is not None
    assert error.startswith("render_failed: ")
    (mode,) = rows(engine, "SELECT render_mode FROM crawl_runs")[0]
    assert mode == "homepage"
    assert render_error(engine, "chain") is None
    assert "facebook-pixel" in trackers(engine, "chain")
    (status,) = rows(engine, "SELECT status FROM crawl_runs")[0]
    assert status == "finished"


def test_a_browser_killed_mid_run_fails_its_page_and_a_fresh_one_takes_over(
    render_web: RenderWeb, tmp_path: Path, engine_for: EngineFor
) -> None:
    db_url = f"sqlite:///{tmp_path / 'render.sqlite'}"
    seeds = render_web.seeds(tmp_path, "slow", "chain")
    # One body at a time: the chain is rendered only after the slow page's browser is gone.
    args = render_web.crawl_args(seeds, db_url, "-s", "GOVSOCIAL_MAX_OPEN_BODIES=1")
    args += ["-s", "GOVSOCIAL_RENDER_LOAD_TIMEOUT=60"]
    held = held_script_requested(render_web)
    with subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as crawl_process:
        wait_for(held, crawl_process)
        kill_browsers(crawl_process.pid)
        _, stderr = crawl_process.communicate(timeout=120)
    assert crawl_process.returncode == 0, stderr[-3000:]
    engine = engine_for(db_url)
    error = render_error(engine, "slow")
    assert error is not None
    assert error.startswith("render_failed: ")
    assert render_error(engine, "chain") is None
    assert "facebook-pixel" in trackers(engine, "chain")


def test_a_rendered_run_killed_while_a_page_renders_resumes_without_fetching_twice(
    render_web: RenderWeb, tmp_path: Path, engine_for: EngineFor
) -> None:
    db_url = f"sqlite:///{tmp_path / 'render.sqlite'}"
    seeds = render_web.seeds(tmp_path, "gated", "slow")
    # One body at a time, each item committed at once: the first body is stored whole before
    # the second one's page starts rendering, and that render holds until the crawl is killed.
    hold = ("-s", "GOVSOCIAL_MAX_OPEN_BODIES=1", "-s", "GOVSOCIAL_DB_BATCH=1")
    hold += ("-s", "GOVSOCIAL_RENDER_LOAD_TIMEOUT=60")
    held = held_script_requested(render_web)
    with subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", *render_web.crawl_args(seeds, db_url, *hold)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as crawl_process:
        wait_for(held, crawl_process)
        crawl_process.kill()
        crawl_process.communicate(timeout=60)
    fetched = render_web.requests().count(("www.gated.test", "/"))
    result = govsocial(*render_web.resume_args(1, db_url))
    assert result.returncode == 0, result.stderr[-3000:]
    engine = engine_for(db_url)
    (status, mode), *_ = rows(engine, "SELECT status, render_mode FROM crawl_runs")
    assert (status, mode) == ("finished", "homepage")
    # The stored body is neither fetched nor rendered again; the killed one is, once.
    assert render_web.requests().count(("www.gated.test", "/")) == fetched
    assert rows(engine, "SELECT body_id, COUNT(*) FROM pages GROUP BY body_id ORDER BY 1") == [
        ("gated", 1),
        ("slow", 1),
    ]
    assert render_error(engine, "gated") is None
    (error,) = rows(engine, "SELECT error FROM rendered_pages WHERE body_id = 'slow'")[0]
    assert str(error).startswith("render_failed: ")  # its script is held past the load timeout


def test_the_same_page_rendered_twice_gives_the_same_findings(
    render_web: RenderWeb, shared_run: Engine, tmp_path: Path, engine_for: EngineFor
) -> None:
    again = engine_for(crawl(render_web, tmp_path, *STEADY))

    def findings(engine: Engine) -> list[list[tuple[object, ...]]]:
        steady = ", ".join(f"'{label}'" for label in STEADY)
        return [
            rows(
                engine,
                f"SELECT body_id, {columns} FROM {table} WHERE body_id IN ({steady})"
                " ORDER BY 1, 2, 3",
            )
            for table, columns in (
                ("rendered_trackers", "tracker_id, seen_in, consent_gated, ids"),
                ("http_requests", "url, resource_type, blocked"),
                ("browser_cookies", "name, set_by, third_party, refused"),
                ("browser_storage", "area, key"),
            )
        ]

    assert findings(shared_run) == findings(again)
    assert findings(again)[0]


def test_the_body_deadline_still_holds_for_plain_requests_of_a_rendering_crawl(
    render_web: RenderWeb, tmp_path: Path, engine_for: EngineFor
) -> None:
    extra = ("-s", "GOVSOCIAL_BODY_TIMEOUT=2", "-s", "DOWNLOAD_TIMEOUT=10")
    engine = engine_for(crawl(render_web, tmp_path, "deadline", extra=extra))
    assert render_error(engine, "deadline") is None
    errors = [
        str(error)
        for (error,) in rows(engine, "SELECT error FROM pages WHERE body_id = 'deadline'")
        if error is not None
    ]
    assert errors  # the subpages take 1.5 s each: the 2 s budget cannot hold them all
    for error in errors:
        # Refused past the deadline, or cut at the time the body had left, never at 10 s.
        cut = re.search(r"took longer than ([0-9.]+) seconds", error)
        assert error.startswith("body_time_limit") or (cut and float(cut.group(1)) <= 2), error


def held_script_requested(web: RenderWeb) -> Callable[[], bool]:
    """True once the slow site's held script is requested again (the log spans the session)."""
    held = ("www.slow.test", "/langsam.js")
    before = web.requests().count(held)
    return lambda: web.requests().count(held) > before


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    """Wait until ``condition`` holds, failing if the process ends first (bounded at 60 s)."""
    deadline = time.monotonic() + 60
    while not condition():
        assert process.poll() is None, "the crawl ended before the awaited event"
        assert time.monotonic() < deadline, "the awaited event never came"
        time.sleep(0.05)


def kill_browsers(root_pid: int) -> None:
    """SIGKILL every Chromium process below ``root_pid``, as the OOM killer would."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
        names[int(entry.name)] = name
    below, todo = [], [root_pid]
    while todo:
        for child in children.get(todo.pop(), []):
            below.append(child)
            todo.append(child)
    killed = [pid for pid in below if "chrom" in names.get(pid, "")]
    assert killed, "no browser process found below the crawl"
    for pid in killed:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_a_fresh_browser_every_few_pages_keeps_every_render(
    render_web: RenderWeb, tmp_path: Path, engine_for: EngineFor
) -> None:
    db_url = f"sqlite:///{tmp_path / 'render.sqlite'}"
    labels = ("chain", "cookies", "gated", "leaky", "ssrf")
    args = render_web.crawl_args(
        render_web.seeds(tmp_path, *labels), db_url, "-s", "GOVSOCIAL_RENDER_RESTART_PAGES=2"
    )
    result = govsocial(*args, "--log-file", "-")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.count("Launching browser chromium") >= 2  # one would do without
    engine = engine_for(db_url)
    assert rows(engine, "SELECT COUNT(*), COUNT(error) FROM rendered_pages") == [(5, 0)]
    assert "facebook-pixel" in trackers(engine, "chain")


def test_a_fresh_browser_fails_no_page_of_those_waiting_for_it(
    render_web: RenderWeb, tmp_path: Path
) -> None:
    # Two pages at once and a fresh browser after every page: each restart has a page waiting.
    labels = ("chain", "cookies", "gated", "leaky", "rude", "ssrf")
    extra = ("-s", "GOVSOCIAL_RENDER_RESTART_PAGES=1", "-s", "GOVSOCIAL_RENDER_PAGES=2")
    engine = make_engine(crawl(render_web, tmp_path, *labels, extra=extra))
    errors = {label: render_error(engine, label) for label in labels}
    engine.dispose()
    assert errors == dict.fromkeys(labels)
