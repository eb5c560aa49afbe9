"""Crawling the fixture web end to end, asserting on the rows the crawl leaves in the database."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.e2e.conftest import ServedWeb, govsocial

NORDHEIM, SUEDSTADT, FUNKLOCH, ALTDORF, KAPUTT, VERBOTEN = (
    "01001001",
    "01001002",
    "01001003",
    "01001004",
    "01001005",
    "01001006",
)

pytestmark = pytest.mark.e2e


def rows(engine: Engine, sql: str, **params: object) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


@pytest.fixture(scope="module")
def crawled(served_web: ServedWeb, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """One crawl of the fixture web into a fresh SQLite file: (db url, CLI stdout)."""
    folder = tmp_path_factory.mktemp("crawl")
    db_url = f"sqlite:///{folder / 'govsocial.sqlite'}"
    result = govsocial(*served_web.crawl_args(folder, db_url, "--allow-private"))
    assert result.returncode == 0, result.stderr
    return db_url, result.stdout


def test_every_body_gets_an_outcome(crawled: tuple[str, str], engine_for: Callable) -> None:
    outcomes = rows(
        engine_for(crawled[0]),
        "SELECT body_id, reachable, outcome FROM body_visits ORDER BY body_id",
    )
    assert outcomes == [
        (NORDHEIM, 1, "ok"),
        (SUEDSTADT, 1, "ok"),
        (FUNKLOCH, 0, "connection_refused"),
        (ALTDORF, 1, "ok"),
        (KAPUTT, 0, "http_error"),
        (VERBOTEN, 0, "robots_disallowed"),
    ]


def test_redirect_to_another_domain_is_recorded_as_a_move(
    crawled: tuple[str, str], engine_for: Callable
) -> None:
    moved = rows(
        engine_for(crawled[0]),
        "SELECT final_url, moved_to FROM body_visits WHERE body_id = :id",
        id=ALTDORF,
    )
    assert len(moved) == 1
    assert moved[0][0].startswith("http://www.neu-altdorf.de:")
    assert moved[0][1] == "neu-altdorf.de"


def test_accounts_on_homepage_and_only_on_impressum_are_found(
    crawled: tuple[str, str], engine_for: Callable
) -> None:
    accounts = rows(
        engine_for(crawled[0]),
        "SELECT DISTINCT body_id, platform, handle FROM social_links "
        "WHERE link_kind = 'profile' ORDER BY body_id, platform",
    )
    assert accounts == [
        (NORDHEIM, "facebook", "gemeindenordheim"),
        (NORDHEIM, "x", "nordheim_sh"),
        (SUEDSTADT, "facebook", "stadtsuedstadt"),
        (ALTDORF, "x", "altdorf_amt"),
    ]


def test_sightings_carry_their_page_and_evidence(
    crawled: tuple[str, str], engine_for: Callable
) -> None:
    evidence = rows(
        engine_for(crawled[0]),
        "SELECT p.url, s.element, s.attribute, s.evidence FROM social_links s "
        "JOIN pages p ON p.id = s.page_id WHERE s.body_id = :id AND s.platform = 'x'",
        id=NORDHEIM,
    )
    assert len(evidence) == 1
    page_url, element, attribute, value = evidence[0]
    assert page_url.endswith("/impressum.html")
    assert (element, attribute, value) == ("a", "href", "https://x.com/nordheim_sh")


def test_impressum_is_chosen_over_news_within_the_page_budget(
    crawled: tuple[str, str], engine_for: Callable
) -> None:
    urls = [
        url
        for (url,) in rows(
            engine_for(crawled[0]), "SELECT url FROM pages WHERE body_id = :id", id=SUEDSTADT
        )
    ]
    assert len(urls) == 10
    assert any(url.endswith("/impressum.html") for url in urls)
    assert any(url.endswith("/datenschutz.html") for url in urls)
    assert not any("kalender" in url for url in urls)


def test_run_row_has_status_counts_and_provenance(
    crawled: tuple[str, str], engine_for: Callable
) -> None:
    (run,) = rows(
        engine_for(crawled[0]),
        "SELECT status, bodies_total, bodies_done, bodies_reachable, pages_fetched, "
        "seed_sha256, code_version, finished_at FROM crawl_runs",
    )
    status, total, done, reachable, pages, digest, version, finished = run
    assert (status, total, done, reachable) == ("finished", 6, 6, 3)
    assert pages >= 14
    assert len(str(digest)) == 64
    assert version
    assert finished is not None


def test_summary_names_the_outcomes_and_the_database(crawled: tuple[str, str]) -> None:
    stdout = crawled[1]
    assert "run 1: finished" in stdout
    assert "3 reachable" in stdout
    assert "connection_refused 1" in stdout
    assert "govsocial.sqlite" in stdout


def test_second_run_keeps_the_first_and_upserts_bodies(
    served_web: ServedWeb, tmp_path: Path, engine_for: Callable
) -> None:
    db_url = f"sqlite:///{tmp_path / 'twice.sqlite'}"
    for _ in range(2):
        result = govsocial(*served_web.crawl_args(tmp_path, db_url, "--allow-private"))
        assert result.returncode == 0, result.stderr
    engine = engine_for(db_url)
    assert rows(engine, "SELECT count(*) FROM bodies") == [(6,)]
    assert rows(engine, "SELECT count(*) FROM sites") == [(6,)]
    per_run = rows(
        engine,
        "SELECT run_id, count(*) FROM social_links WHERE link_kind = 'profile' GROUP BY run_id",
    )
    assert per_run == [(1, per_run[0][1]), (2, per_run[0][1])]
    listed = json.loads(govsocial("runs", "--db", db_url, "--format", "json").stdout)
    assert [(run["id"], run["status"]) for run in listed] == [(2, "finished"), (1, "finished")]


def test_without_allow_private_loopback_is_refused_for_every_body(
    served_web: ServedWeb, tmp_path: Path, engine_for: Callable
) -> None:
    db_url = f"sqlite:///{tmp_path / 'refused.sqlite'}"
    result = govsocial(*served_web.crawl_args(tmp_path, db_url))
    assert result.returncode == 0, result.stderr
    outcomes = rows(engine_for(db_url), "SELECT DISTINCT outcome FROM body_visits")
    assert outcomes == [("refused_private",)]
    assert rows(engine_for(db_url), "SELECT count(*) FROM social_links") == [(0,)]


def test_max_pages_one_fetches_homepages_only(
    served_web: ServedWeb, tmp_path: Path, engine_for: Callable
) -> None:
    db_url = f"sqlite:///{tmp_path / 'one.sqlite'}"
    result = govsocial(
        *served_web.crawl_args(tmp_path, db_url, "--allow-private", "--max-pages", "1")
    )
    assert result.returncode == 0, result.stderr
    assert rows(engine_for(db_url), "SELECT max(depth) FROM pages") == [(0,)]


def test_a_body_done_closes_its_idle_connections(served_web: ServedWeb, tmp_path: Path) -> None:
    # The crawl takes a few seconds: without closing by body, each site's keep-alive connection
    # would wait out its 15 s idle timeout, and none would be closed before the crawl ends.
    stats_file = tmp_path / "stats.json"
    extensions = {
        "benchmarks.statsfile.StatsFile": 0,
        "crawler.run.progress.ProgressExtension": 500,
    }
    result = govsocial(
        *served_web.crawl_args(
            tmp_path,
            f"sqlite:///{tmp_path / 'connections.sqlite'}",
            "--allow-private",
            "-s",
            f"EXTENSIONS={json.dumps(extensions)}",
            "-s",
            f"BENCH_STATS_FILE={stats_file}",
        )
    )
    assert result.returncode == 0, result.stderr
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    # Six hosts answered (a redirect's two included), each over at least one connection.
    assert stats["govsocial/idle_connections_closed_with_body"] >= 6


def test_a_page_whose_handling_raises_still_ends_its_body(
    served_web: ServedWeb, tmp_path: Path, engine_for: Callable
) -> None:
    # One body open at a time: a body left unsettled would stop the crawl for good.
    db_url = f"sqlite:///{tmp_path / 'broken.sqlite'}"
    middlewares = {
        "crawler.middlewares.SettleBodyOnError": 10,  # -s replaces the whole setting
        "tests.e2e.faultymiddleware.BreakPagesOfHosts": 950,
    }
    result = govsocial(
        *served_web.crawl_args(
            tmp_path,
            db_url,
            "--allow-private",
            "-s",
            "GOVSOCIAL_MAX_OPEN_BODIES=1",
            "-s",
            f"SPIDER_MIDDLEWARES={json.dumps(middlewares)}",
        ),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "RuntimeError: handling of http://www.nordheim.de" in result.stderr
    broke = f"RuntimeError: handling of http://www.nordheim.de:{served_web.port}/ broke"
    engine = engine_for(db_url)
    assert rows(engine, "SELECT count(*) FROM body_visits") == [(6,)]
    visit = "SELECT outcome, reason FROM body_visits WHERE body_id = :id"
    assert rows(engine, visit, id=NORDHEIM) == [("error", broke)]
    assert rows(engine, visit, id=SUEDSTADT) == [("ok", None)]
    pages = "SELECT depth, error FROM pages WHERE body_id = :id"
    assert rows(engine, pages, id=NORDHEIM) == [(0, f"spider_error: {broke}")]


def test_crawl_into_postgresql(
    served_web: ServedWeb, tmp_path: Path, postgres_database: str, engine_for: Callable
) -> None:
    result = govsocial(*served_web.crawl_args(tmp_path, postgres_database, "--allow-private"))
    assert result.returncode == 0, result.stderr
    engine = engine_for(postgres_database)
    assert rows(engine, "SELECT count(*) FROM body_visits WHERE reachable") == [(3,)]
    assert rows(engine, "SELECT status FROM crawl_runs") == [("finished",)]


def test_filter_list_hits_are_stored_with_list_name_version_and_rule(
    served_web: ServedWeb, tmp_path: Path, engine_for: Callable
) -> None:
    filter_list = tmp_path / "list.txt"
    filter_list.write_text(
        "! Title: govsocial e2e list\n! Version: 1\n||googletagmanager.com^$script\n",
        encoding="utf-8",
    )
    db_url = f"sqlite:///{tmp_path / 'lists.sqlite'}"
    args = served_web.crawl_args(
        tmp_path, db_url, "--allow-private", "--filter-list", str(filter_list)
    )
    result = govsocial(*args)
    assert result.returncode == 0, result.stderr
    hits = rows(
        engine_for(db_url),
        "SELECT body_id, list_name, list_version, resource_url, rule FROM filter_list_hits",
    )
    assert hits == [
        (
            NORDHEIM,
            "govsocial e2e list",
            "1",
            "https://www.googletagmanager.com/gtag/js?id=G-NORDHEIM01",
            "||googletagmanager.com^$script",
        )
    ]


def test_seed_columns_can_be_mapped_and_rows_without_url_passed_over(
    served_web: ServedWeb, tmp_path: Path, engine_for: Callable
) -> None:
    db_url = f"sqlite:///{tmp_path / 'columns.sqlite'}"
    args = served_web.crawl_args(tmp_path, db_url, "--allow-private", "--max-pages", "1")
    lines = served_web.seeds(tmp_path).read_text(encoding="utf-8").splitlines()
    renamed = [lines[0].replace("id,", "ags,", 1).replace(",url,", ",website,", 1)]
    renamed += [*lines[1:3], "01009999,Gemeinde Ohnenetz,,gemeinde,Schleswig-Holstein,DE,50,,"]
    seeds = tmp_path / "renamed.csv"
    seeds.write_text("\n".join(renamed) + "\n", encoding="utf-8")
    args[args.index("--seeds") + 1] = str(seeds)
    refused = govsocial(*args)
    assert refused.returncode == 1
    assert "missing required column(s): id, url" in refused.stderr
    result = govsocial(
        *args, "--column", "id=ags", "--column", "url=website", "--skip-missing-urls"
    )
    assert result.returncode == 0, result.stderr
    assert "1 seed rows without a URL passed over" in result.stderr
    engine = engine_for(db_url)
    # The row without a URL is not visited, but kept as listed, so coverage can count it.
    assert rows(engine, "SELECT body_id FROM body_visits ORDER BY body_id") == [
        (NORDHEIM,),
        (SUEDSTADT,),
    ]
    assert rows(engine, "SELECT body_id FROM run_bodies_without_site") == [("01009999",)]
    (settings,) = rows(engine, "SELECT settings FROM crawl_runs")
    recorded = json.loads(str(settings[0]))
    assert recorded["GOVSOCIAL_SEED_COLUMNS"] == {"id": "ags", "url": "website"}
    assert recorded["GOVSOCIAL_SKIP_MISSING_URLS"] is True


FINDINGS_SQL = {
    "pages": "SELECT body_id, url, depth, status, title, error FROM pages",
    "social_links": "SELECT body_id, platform, link_kind, handle, url, rule FROM social_links",
    "trackers": "SELECT body_id, tracker_id, ids, consent_gated, rule FROM tracker_sightings",
    "third_party_hosts": "SELECT body_id, host FROM third_party_hosts",
}


def test_analysis_in_the_crawl_process_and_in_two_workers_stores_the_same_rows(
    served_web: ServedWeb, tmp_path: Path, engine_for: Callable
) -> None:
    stored = []
    for workers in ("0", "2"):
        db_url = f"sqlite:///{tmp_path / f'workers-{workers}.sqlite'}"
        args = served_web.crawl_args(
            tmp_path, db_url, "--allow-private", "-s", f"GOVSOCIAL_ANALYSIS_WORKERS={workers}"
        )
        result = govsocial(*args)
        assert result.returncode == 0, result.stderr
        engine = engine_for(db_url)
        stored.append({table: sorted(rows(engine, sql)) for table, sql in FINDINGS_SQL.items()})
    in_process, in_workers = stored
    assert in_process["social_links"]
    assert in_process["trackers"]
    assert in_workers == in_process
