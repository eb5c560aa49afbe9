"""One crawl of the hostile web: each site fault recorded per body, the sound bodies intact."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from crawler.demo.web import closed_port
from tests.e2e.conftest import govsocial
from tests.faults.conftest import FaultWeb, crawl_args, host_map, rows, write_seeds

pytestmark = pytest.mark.e2e

# Served by tests/faults/server.py: the host's first label names its fault.
FAULT_HOSTS = (
    "gesund-1",
    "gesund-2",
    "stumm",
    "tropf",
    "langsam",
    "fehlt",
    "kaputt",
    "schleife",
    "kette",
    "umzug",
    "meta",
    "riesig",
    "angekuendigt",
    "binaer",
    "latin",
    "zeichensatz",
    "kaputtes-html",
    "falle",
    "robots-verbot",
    "robots-fehler",
)
UNRESOLVABLE = "www.unbekannt.invalid"


@pytest.fixture(scope="module")
def fault_crawl(fault_web: FaultWeb, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One crawl of every fault host plus a refused port, a TLS failure and a missing name."""
    folder = tmp_path_factory.mktemp("sitefaults")
    seeds = [(name, f"Gemeinde {name}", fault_web.url(f"www.{name}.de")) for name in FAULT_HOSTS]
    seeds += [
        ("abgelehnt", "Gemeinde Abgelehnt", f"http://www.abgelehnt.de:{closed_port()}/"),
        ("tls", "Gemeinde TLS", f"https://www.tls-kaputt.de:{fault_web.not_tls}/"),
        ("unbekannt", "Gemeinde Unbekannt", f"http://{UNRESOLVABLE}:{fault_web.http}/"),
    ]
    hosts = json.loads(host_map(seeds))
    hosts[UNRESOLVABLE] = ""  # "no such host" in the static map: fails without any DNS query
    db_url = f"sqlite:///{folder / 'faults.sqlite'}"
    args = crawl_args(write_seeds(folder / "seeds.csv", seeds), db_url, json.dumps(hosts))
    # One request at a time per site, so a site's pages queue up as they would in production.
    serial = ("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY=0.01")
    result = govsocial(*args, *serial, "--allow-private")
    assert result.returncode == 0, result.stderr
    return db_url


@pytest.fixture
def visit(fault_crawl: str, engine_for: Callable[[str], Engine]) -> Callable[[str], tuple]:
    """``(outcome, reachable, reason, moved_to, pages_fetched)`` of a body."""
    engine = engine_for(fault_crawl)

    def of(body_id: str) -> tuple:
        (row,) = rows(
            engine,
            "SELECT outcome, reachable, reason, moved_to, pages_fetched FROM body_visits "
            "WHERE body_id = :id",
            id=body_id,
        )
        return row

    return of


@pytest.fixture
def pages(fault_crawl: str, engine_for: Callable[[str], Engine]) -> Callable[[str], list[tuple]]:
    """``(url, status, title, error)`` of a body's stored pages."""
    engine = engine_for(fault_crawl)
    return lambda body_id: rows(
        engine, "SELECT url, status, title, error FROM pages WHERE body_id = :id", id=body_id
    )


def test_every_body_gets_exactly_one_outcome(fault_crawl: str, engine_for: Callable) -> None:
    engine = engine_for(fault_crawl)
    assert rows(engine, "SELECT count(*), count(DISTINCT body_id) FROM body_visits") == [(23, 23)]
    assert rows(engine, "SELECT status, bodies_done, bodies_total FROM crawl_runs") == [
        ("finished", 23, 23)
    ]


def test_sound_bodies_are_crawled_whole(visit: Callable, pages: Callable) -> None:
    for body_id in ("gesund-1", "gesund-2"):
        assert visit(body_id) == ("ok", 1, None, None, 3)
        titles = sorted(title for _, _, title, _ in pages(body_id))
        assert titles == ["Gemeinde Gesund", "Impressum", "Kontakt"]


def test_connection_refused(visit: Callable) -> None:
    assert visit("abgelehnt")[:2] == ("connection_refused", 0)


def test_unresolvable_host(visit: Callable) -> None:
    outcome, reachable, reason, _, _ = visit("unbekannt")
    assert (outcome, reachable) == ("dns_error", 0)
    assert UNRESOLVABLE in reason


def test_tls_handshake_failure(visit: Callable) -> None:
    outcome, reachable, reason, _, _ = visit("tls")
    assert (outcome, reachable) == ("tls_error", 0)
    assert "SSL" in reason


def test_server_that_never_answers_times_out(visit: Callable) -> None:
    assert visit("stumm")[:2] == ("timeout", 0)


def test_server_dripping_bytes_times_out(visit: Callable) -> None:
    assert visit("tropf")[:2] == ("timeout", 0)


def test_slow_site_is_cut_at_the_body_time_limit(visit: Callable, pages: Callable) -> None:
    outcome, reachable, reason, _, fetched = visit("langsam")
    assert (outcome, reachable) == ("ok", 1)
    assert "time limit reached" in reason
    assert fetched < 10
    errors = [error for _, _, _, error in pages("langsam") if error]
    assert any(error.startswith("body_time_limit:") for error in errors)


def test_http_404_and_500(visit: Callable) -> None:
    assert visit("fehlt")[:3] == ("http_error", 0, "HTTP 404")
    assert visit("kaputt")[:3] == ("http_error", 0, "HTTP 500")


def test_redirect_loop_is_named_as_such(visit: Callable) -> None:
    outcome, reachable, reason, _, _ = visit("schleife")
    assert (outcome, reachable) == ("too_many_redirects", 0)
    assert reason.startswith("redirect loop: ")


def test_endless_redirect_chain_is_given_up(visit: Callable) -> None:
    outcome, reachable, reason, _, _ = visit("kette")
    assert (outcome, reachable) == ("too_many_redirects", 0)
    assert reason.startswith("gave up after 10 redirects")


def test_redirect_to_another_domain_is_a_move(visit: Callable) -> None:
    outcome, reachable, reason, moved_to, _ = visit("umzug")
    assert (outcome, reachable, moved_to) == ("ok", 1, "neu-umzug.de")
    assert reason.endswith("(redirect: 301)")


def test_meta_refresh_to_another_domain_is_a_move(visit: Callable) -> None:
    outcome, reachable, reason, moved_to, _ = visit("meta")
    assert (outcome, reachable, moved_to) == ("ok", 1, "neu-meta.de")
    assert reason.endswith("(redirect: meta refresh)")


def test_endless_response_is_cut_at_the_size_limit(visit: Callable) -> None:
    outcome, reachable, reason, _, _ = visit("riesig")
    assert (outcome, reachable) == ("too_large", 0)
    assert "DOWNLOAD_MAXSIZE" in reason


def test_announced_oversize_is_refused_before_download(visit: Callable) -> None:
    outcome, reachable, reason, _, _ = visit("angekuendigt")
    assert (outcome, reachable) == ("too_large", 0)
    assert "52428800" in reason


def test_binary_labelled_html_is_not_parsed(visit: Callable, pages: Callable) -> None:
    assert visit("binaer")[:3] == ("not_html", 0, "homepage labelled HTML is png data")
    assert [title for _, _, title, _ in pages("binaer")] == [None]


def test_undeclared_latin1_is_decoded(pages: Callable) -> None:
    assert [title for _, _, title, _ in pages("latin")] == ["Gemeinde Großkötz – Bürgerbüro"]


def test_windows_1252_served_as_utf8_is_decoded(pages: Callable) -> None:
    assert [title for _, _, title, _ in pages("zeichensatz")] == ["„Schöne Grüße“ aus Möhrendorf"]


def test_malformed_html_is_parsed_and_followed(visit: Callable, pages: Callable) -> None:
    assert visit("kaputtes-html")[:2] == ("ok", 1)
    titles = sorted(title for _, _, title, _ in pages("kaputtes-html"))
    assert titles == ["Gemeinde Krumm", "Impressum"]


def test_nothing_a_page_scripts_is_executed(fault_web: FaultWeb, fault_crawl: str) -> None:
    fetched = {path for host, path in fault_web.requests() if host == "www.kaputtes-html.de"}
    assert fetched == {"/robots.txt", "/", "/impressum.html"}  # not the document.write link /x


def test_calendar_and_session_id_trap_stays_within_budget(visit: Callable, pages: Callable) -> None:
    assert visit("falle")[:2] == ("ok", 1)
    urls = [url for url, _, _, _ in pages("falle")]
    assert len(urls) <= 10
    assert not any("jsessionid" in url or "PHPSESSID" in url for url in urls)
    assert sum(url.endswith("/impressum.html") for url in urls) == 1


def test_robots_disallow_is_obeyed_and_recorded(
    visit: Callable, fault_web: FaultWeb, fault_crawl: str
) -> None:
    assert visit("robots-verbot")[:2] == ("robots_disallowed", 0)
    assert [path for host, path in fault_web.requests() if host == "www.robots-verbot.de"] == [
        "/robots.txt"
    ]


def test_robots_server_error_means_crawl_nothing(
    visit: Callable, fault_web: FaultWeb, fault_crawl: str
) -> None:
    outcome, reachable, reason, _, _ = visit("robots-fehler")
    assert (outcome, reachable) == ("robots_unavailable", 0)
    assert "robots.txt answered HTTP 503" in reason
    fetched = {path for host, path in fault_web.requests() if host == "www.robots-fehler.de"}
    assert fetched == {"/robots.txt"}


def test_failed_requests_are_stored_as_pages_with_their_error(
    fault_crawl: str, engine_for: Callable
) -> None:
    failed = rows(
        engine_for(fault_crawl),
        "SELECT v.outcome, p.error FROM body_visits v JOIN pages p "
        "ON p.body_id = v.body_id AND p.url = v.seed_url "
        "WHERE NOT v.reachable AND p.error IS NOT NULL",
    )
    assert failed
    assert all(error.startswith(f"{outcome}: ") for outcome, error in failed)


def test_summary_of_the_run_is_consistent_with_its_rows(
    fault_crawl: str, engine_for: Callable
) -> None:
    engine = engine_for(fault_crawl)
    counted = rows(
        engine,
        "SELECT count(*), sum(CASE WHEN reachable THEN 1 ELSE 0 END), sum(pages_fetched) "
        "FROM body_visits",
    )
    recorded = rows(engine, "SELECT bodies_done, bodies_reachable, pages_fetched FROM crawl_runs")
    assert counted == recorded
