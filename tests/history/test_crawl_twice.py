"""A fixture web crawled twice, changed in between: diff, views, documented queries and exports.

Run 1 crawls tests/history/web_v1, run 2 tests/history/web_v2 into the same database:
Altheim drops Instagram and the Meta pixel and adds Mastodon; Birkhausen is down in run 2;
Cellerfeld is unchanged (a Facebook share link, a YouTube @handle and a news page whose title is
a spreadsheet formula); Dornbach adds a Google Maps iframe; Eschental is down in both runs.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Table, select

from db.exports import BODY_COLUMNS, EXPORTS, RENDERED_BODY_COLUMNS, UTF8_BOM, csv_cell
from db.history import (
    account_history,
    body_observation_span,
    latest_body_state,
    run_summary,
    tracker_history,
)
from db.models import CrawlRun
from db.session import make_engine

from .cli import invoke
from .crawl import crawled_database, without_port
from .queries import run_documented_queries

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent
ALTHEIM, BIRKHAUSEN, CELLERFELD, DORNBACH, ESCHENTAL = (
    "01002001",
    "01002002",
    "03003003",
    "03003004",
    "03003005",
)
FORMULA_TITLE = '=HYPERLINK("http://evil.example/","Neuigkeiten")'


@pytest.fixture(scope="module")
def history_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> str:
    """One database per backend: run 1 of the first version of the web, run 2 of the second."""
    folder = tmp_path_factory.mktemp(f"twice-{backend}")
    return crawled_database(backend, (HERE / "web_v1", HERE / "web_v2"), request, folder)


def view_rows(url: str, view: Table, *columns: str) -> list[tuple[Any, ...]]:
    """``columns`` of ``view``, ordered by those columns."""
    selected = [view.c[name] for name in columns]
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(select(*selected).order_by(*selected))]
    engine.dispose()
    return rows


def run_starts(url: str) -> dict[int, datetime]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(CrawlRun.id, CrawlRun.started_at))
        starts = {run_id: started_at for run_id, started_at in rows}
    engine.dispose()
    return starts


def export(url: str, kind: str, output_format: str, *options: str) -> str:
    """``govsocial export KIND --format FORMAT`` of the latest run, as printed."""
    return invoke(url, "export", kind, "--format", output_format, *options).stdout


def exported(url: str, kind: str, *options: str) -> list[dict[str, Any]]:
    """An export read back from JSON, ports taken out of URLs."""
    return [
        {
            key: without_port(value) if isinstance(value, str) else value
            for key, value in row.items()
        }
        for row in json.loads(export(url, kind, "json", *options))
    ]


# ----------------------------------------------------------------------------------- diff


def test_json_diff_reports_the_changes_and_skips_the_down_bodies(history_url: str) -> None:
    document = json.loads(invoke(history_url, "diff", "1", "2", "--format", "json").stdout)
    for section in ("accounts", "trackers"):
        for changes in document[section].values():
            for change in changes:
                change["page_url"] = without_port(change["page_url"])
    altheim = {"body_id": ALTHEIM, "body_name": "Gemeinde Altheim"}
    assert document == {
        "run_a": 1,
        "run_b": 2,
        "bodies_compared": 3,
        "bodies_skipped": [BIRKHAUSEN, ESCHENTAL],
        "accounts": {
            "added": [
                {
                    **altheim,
                    "platform": "mastodon",
                    "handle": "altheim@social.bund.de",
                    "account_type": "account",
                    "url": "https://social.bund.de/@altheim",
                    "page_url": "http://www.altheim.de/",
                }
            ],
            "removed": [
                {
                    **altheim,
                    "platform": "instagram",
                    "handle": "altheim_sh",
                    "account_type": "account",
                    "url": "https://www.instagram.com/altheim_sh/",
                    "page_url": "http://www.altheim.de/",
                }
            ],
        },
        "trackers": {
            "added": [
                {
                    "body_id": DORNBACH,
                    "body_name": "Stadt Dornbach",
                    "tracker": "google-maps",
                    "name": "Google Maps",
                    "vendor": "Google",
                    "category": "map",
                    "page_url": "http://www.dornbach.de/kontakt.html",
                }
            ],
            "removed": [
                {
                    **altheim,
                    "tracker": "facebook-pixel",
                    "name": "Meta Pixel",
                    "vendor": "Meta Platforms",
                    "category": "advertising",
                    "page_url": "http://www.altheim.de/",
                }
            ],
        },
    }


def test_csv_diff_has_one_row_per_change(history_url: str) -> None:
    rows = list(
        csv.DictReader(io.StringIO(invoke(history_url, "diff", "1", "2", "--format", "csv").stdout))
    )
    assert [(r["change"], r["what"], r["body_id"], r["handle"] or r["tracker"]) for r in rows] == [
        ("added", "account", ALTHEIM, "altheim@social.bund.de"),
        ("removed", "account", ALTHEIM, "altheim_sh"),
        ("added", "tracker", DORNBACH, "google-maps"),
        ("removed", "tracker", ALTHEIM, "facebook-pixel"),
    ]


# ---------------------------------------------------------------------------------- views


def test_account_history_tells_current_removed_and_not_observed_apart(history_url: str) -> None:
    assert view_rows(
        history_url,
        account_history,
        "body_id",
        "platform",
        "handle",
        "first_seen_run_id",
        "last_seen_run_id",
        "runs_seen",
        "status",
    ) == [
        (ALTHEIM, "facebook", "gemeindealtheim", 1, 2, 2, "current"),
        (ALTHEIM, "instagram", "altheim_sh", 1, 1, 1, "removed"),
        (ALTHEIM, "mastodon", "altheim@social.bund.de", 2, 2, 1, "current"),
        (BIRKHAUSEN, "facebook", "stadtbirkhausen", 1, 1, 1, "not_observed"),
        (BIRKHAUSEN, "x", "birkhausen", 1, 1, 1, "not_observed"),
        (CELLERFELD, "youtube", "@cellerfeld", 1, 2, 2, "current"),
        (DORNBACH, "instagram", "stadtdornbach", 1, 2, 2, "current"),
    ]


def test_tracker_history_tells_current_removed_and_not_observed_apart(history_url: str) -> None:
    assert view_rows(
        history_url,
        tracker_history,
        "body_id",
        "tracker_id",
        "first_seen_run_id",
        "last_seen_run_id",
        "is_current",
        "status",
    ) == [
        (ALTHEIM, "facebook-pixel", 1, 1, False, "removed"),
        (ALTHEIM, "matomo", 1, 2, True, "current"),
        (BIRKHAUSEN, "google-analytics", 1, 1, True, "not_observed"),
        (DORNBACH, "google-fonts", 1, 2, True, "current"),
        (DORNBACH, "google-maps", 2, 2, True, "current"),
    ]


@pytest.mark.parametrize("view", [account_history, tracker_history], ids=lambda view: view.name)
def test_first_and_last_seen_are_the_runs_start_times(history_url: str, view: Table) -> None:
    starts = run_starts(history_url)
    seen = view_rows(
        history_url, view, "first_seen_run_id", "first_seen_at", "last_seen_run_id", "last_seen_at"
    )
    assert [row for row in seen if (starts[row[0]], starts[row[2]]) != (row[1], row[3])] == []


def test_latest_body_state_keeps_what_was_last_known_of_down_bodies(history_url: str) -> None:
    assert view_rows(
        history_url,
        latest_body_state,
        "body_id",
        "run_id",
        "last_visit_run_id",
        "reachable_in_last_visit",
        "last_visit_outcome",
        "pages_fetched",
        "accounts",
        "trackers",
    ) == [
        (ALTHEIM, 2, 2, True, "ok", 2, 2, 1),
        (BIRKHAUSEN, 1, 2, False, "connection_refused", 2, 2, 1),
        (CELLERFELD, 2, 2, True, "ok", 3, 1, 0),
        (DORNBACH, 2, 2, True, "ok", 3, 1, 2),
        (ESCHENTAL, None, 2, False, "connection_refused", None, 0, 0),
    ]


def test_latest_body_state_observed_at_is_the_last_good_runs_start(history_url: str) -> None:
    starts = run_starts(history_url)
    observed = view_rows(history_url, latest_body_state, "body_id", "run_id", "observed_at")
    assert [(body, run, when == starts.get(run, None)) for body, run, when in observed] == [
        (ALTHEIM, 2, True),
        (BIRKHAUSEN, 1, True),
        (CELLERFELD, 2, True),
        (DORNBACH, 2, True),
        (ESCHENTAL, None, True),
    ]


def test_body_observation_span_counts_visits_and_successes(history_url: str) -> None:
    assert view_rows(history_url, body_observation_span, *body_observation_span.c.keys()) == [
        (ALTHEIM, 1, 2, 1, 2, 2, 2),
        (BIRKHAUSEN, 1, 2, 1, 1, 2, 1),
        (CELLERFELD, 1, 2, 1, 2, 2, 2),
        (DORNBACH, 1, 2, 1, 2, 2, 2),
        (ESCHENTAL, 1, 2, None, None, 2, 0),
    ]


def test_run_summary_counts_each_run_by_land_and_kind(history_url: str) -> None:
    assert view_rows(history_url, run_summary, *run_summary.c.keys()) == [
        (1, "Niedersachsen", "gemeinde", 2, 1, 1, 0),
        (1, "Niedersachsen", "stadt", 1, 1, 1, 1),
        (1, "Schleswig-Holstein", "gemeinde", 1, 1, 1, 1),
        (1, "Schleswig-Holstein", "stadt", 1, 1, 1, 1),
        (2, "Niedersachsen", "gemeinde", 2, 1, 1, 0),
        (2, "Niedersachsen", "stadt", 1, 1, 1, 1),
        (2, "Schleswig-Holstein", "gemeinde", 1, 1, 1, 1),
        (2, "Schleswig-Holstein", "stadt", 1, 0, 0, 0),
    ]


# ------------------------------------------------------------------ docs/queries.md answers


@pytest.fixture(scope="module")
def answers(history_url: str) -> list[list[list[Any]]]:
    """The rows of every documented query on the twice-crawled database."""
    return run_documented_queries(history_url)


def test_q3_the_meta_pixel_was_removed_after_run_1(answers: list[list[list[Any]]]) -> None:
    [[body_id, _name, first_seen, last_seen, status]] = answers[2]
    assert (body_id, first_seen == last_seen, status) == (ALTHEIM, True, "removed")


def test_q5_dornbachs_tracker_count_grew(answers: list[list[list[Any]]]) -> None:
    assert answers[4] == [[DORNBACH, "Stadt Dornbach", 1, 2]]


def test_q6_only_the_account_gone_from_a_reachable_site_is_dropped(
    answers: list[list[list[Any]]],
) -> None:
    assert [row[:4] for row in answers[5]] == [
        [ALTHEIM, "Gemeinde Altheim", "instagram", "altheim_sh"]
    ]


def test_q7_down_bodies_with_their_last_good_run(answers: list[list[list[Any]]]) -> None:
    assert [row[:4] + row[5:] for row in answers[6]] == [
        [BIRKHAUSEN, "Stadt Birkhausen", "connection_refused", 1, 2, 1],
        [ESCHENTAL, "Gemeinde Eschental", "connection_refused", None, 0, 0],
    ]


def test_q11_mastodon_appears_in_run_2(answers: list[list[list[Any]]]) -> None:
    assert [[run, reachable, mastodon] for run, _at, reachable, mastodon in answers[10]] == [
        [1, 4, 0],
        [2, 3, 1],
    ]


# -------------------------------------------------------------------------------- exports


@pytest.mark.parametrize("kind", sorted(EXPORTS))
def test_json_and_jsonl_exports_hold_the_same_rows(history_url: str, kind: str) -> None:
    lines = export(history_url, kind, "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == json.loads(export(history_url, kind, "json"))


# This web is crawled without rendering, so the exports of the rendered tier have no rows here
# to compare (tests/history/test_exports.py reads them from the scenario).
STATIC_EXPORTS = sorted(set(EXPORTS) - {"requests", "cookies"})


@pytest.mark.parametrize("kind", STATIC_EXPORTS)
def test_csv_export_is_the_json_export_as_spreadsheet_text(history_url: str, kind: str) -> None:
    records = json.loads(export(history_url, kind, "json"))
    table = list(csv.reader(io.StringIO(export(history_url, kind, "csv"))))
    assert (table[0], table[1:]) == (
        list(records[0]),
        [[csv_cell(value) for value in record.values()] for record in records],
    )


@pytest.mark.parametrize("kind", sorted(EXPORTS))
def test_excel_csv_is_the_csv_with_a_bom_and_semicolons(history_url: str, kind: str) -> None:
    excel = export(history_url, kind, "csv", "--excel")
    plain = list(csv.reader(io.StringIO(export(history_url, kind, "csv"))))
    assert (excel[:1], list(csv.reader(io.StringIO(excel[1:]), delimiter=";"))) == (
        UTF8_BOM,
        plain,
    )


def test_excel_csv_header_is_separated_by_semicolons(history_url: str) -> None:
    header = export(history_url, "accounts", "csv", "--excel").splitlines()[0]
    assert header == UTF8_BOM + ";".join(json.loads(export(history_url, "accounts", "json"))[0])


def test_accounts_export_lists_the_sightings_of_the_latest_run(history_url: str) -> None:
    # Sightings of one account come in the order the crawl stored them: sort them here.
    assert sorted(
        (r["body_id"], r["platform"], r["handle"], r["page_url"])
        for r in exported(history_url, "accounts")
    ) == [
        (ALTHEIM, "facebook", "gemeindealtheim", "http://www.altheim.de/"),
        (ALTHEIM, "mastodon", "altheim@social.bund.de", "http://www.altheim.de/"),
        (CELLERFELD, "youtube", "@cellerfeld", "http://www.cellerfeld.de/"),
        (CELLERFELD, "youtube", "@cellerfeld", "http://www.cellerfeld.de/aktuelles.html"),
        (DORNBACH, "instagram", "stadtdornbach", "http://www.dornbach.de/"),
        (DORNBACH, "instagram", "stadtdornbach", "http://www.dornbach.de/kontakt.html"),
    ]


def test_accounts_export_of_run_1_has_what_was_later_dropped(history_url: str) -> None:
    accounts = {
        (r["body_id"], r["platform"]) for r in exported(history_url, "accounts", "--run", "1")
    }
    assert accounts == {
        (ALTHEIM, "facebook"),
        (ALTHEIM, "instagram"),
        (BIRKHAUSEN, "facebook"),
        (BIRKHAUSEN, "x"),
        (CELLERFELD, "youtube"),
        (DORNBACH, "instagram"),
    }


def test_trackers_export_lists_the_sightings_of_the_latest_run(history_url: str) -> None:
    assert sorted(
        (r["body_id"], r["tracker_id"], r["third_country"], r["consent_gated"], r["page_url"])
        for r in exported(history_url, "trackers")
    ) == [
        (ALTHEIM, "matomo", False, False, "http://www.altheim.de/"),
        (ALTHEIM, "matomo", False, False, "http://www.altheim.de/impressum.html"),
        (DORNBACH, "google-fonts", True, False, "http://www.dornbach.de/"),
        (DORNBACH, "google-fonts", True, False, "http://www.dornbach.de/impressum.html"),
        (DORNBACH, "google-fonts", True, False, "http://www.dornbach.de/kontakt.html"),
        (DORNBACH, "google-maps", True, False, "http://www.dornbach.de/kontakt.html"),
    ]


def test_shares_export_lists_the_share_button(history_url: str) -> None:
    assert [
        (r["body_id"], r["platform"], r["handle"], r["page_url"])
        for r in exported(history_url, "shares")
    ] == [(CELLERFELD, "facebook", None, "http://www.cellerfeld.de/aktuelles.html")]


def test_pages_export_lists_fetched_and_failed_pages(history_url: str) -> None:
    assert [
        (r["body_id"], urlsplit(r["url"]).path, r["status"], r["title"], bool(r["error"]))
        for r in exported(history_url, "pages")
    ] == [
        (ALTHEIM, "/", 200, "Startseite - Gemeinde Altheim", False),
        (ALTHEIM, "/impressum.html", 200, "Impressum - Gemeinde Altheim", False),
        (BIRKHAUSEN, "/", None, None, True),
        (CELLERFELD, "/", 200, "Startseite - Gemeinde Cellerfeld", False),
        (CELLERFELD, "/aktuelles.html", 200, FORMULA_TITLE, False),
        (CELLERFELD, "/impressum.html", 200, "Impressum - Gemeinde Cellerfeld", False),
        (DORNBACH, "/", 200, "Startseite - Stadt Dornbach", False),
        (DORNBACH, "/impressum.html", 200, "Impressum - Stadt Dornbach", False),
        (DORNBACH, "/kontakt.html", 200, "Kontakt - Stadt Dornbach", False),
        (ESCHENTAL, "/", None, None, True),
    ]


def test_csv_neutralises_the_formula_title_and_keeps_the_at_handle(history_url: str) -> None:
    pages = csv.DictReader(io.StringIO(export(history_url, "pages", "csv")))
    accounts = csv.DictReader(io.StringIO(export(history_url, "accounts", "csv")))
    assert (
        {row["title"] for row in pages if row["title"].startswith(("=", "'"))},
        {row["handle"] for row in accounts if row["platform"] == "youtube"},
    ) == ({"'" + FORMULA_TITLE}, {"@cellerfeld"})


def test_bodies_export_has_a_column_per_platform_and_tracker_of_the_run(history_url: str) -> None:
    assert list(exported(history_url, "bodies")[0]) == [
        *BODY_COLUMNS,
        *("account_facebook", "account_instagram", "account_mastodon", "account_x"),
        "account_youtube",
        *("tracker_google-analytics", "tracker_google-fonts", "tracker_google-maps"),
        "tracker_matomo",
        *RENDERED_BODY_COLUMNS,
    ]


def test_bodies_export_carries_the_down_bodys_last_findings(history_url: str) -> None:
    def found(row: dict[str, Any], prefix: str) -> dict[str, Any]:
        return {
            key[len(prefix) :]: value
            for key, value in row.items()
            if key.startswith(prefix) and value
        }

    assert [
        (
            r["body_id"],
            r["seed_url"],
            r["reachable"],
            r["outcome"],
            r["findings_from_run"],
            (r["pages_fetched"], r["accounts"], r["trackers"]),
            found(r, "account_"),
            sorted(found(r, "tracker_")),
        )
        for r in exported(history_url, "bodies")
    ] == [
        (ALTHEIM, "http://www.altheim.de/", True, "ok", 2, (2, 2, 1),
         {"facebook": ["gemeindealtheim"], "mastodon": ["altheim@social.bund.de"]}, ["matomo"]),
        (BIRKHAUSEN, "http://www.birkhausen.de/", False, "connection_refused", 1, (0, 2, 1),
         {"facebook": ["stadtbirkhausen"], "x": ["birkhausen"]}, ["google-analytics"]),
        (CELLERFELD, "http://www.cellerfeld.de/", True, "ok", 2, (3, 1, 0),
         {"youtube": ["@cellerfeld"]}, []),
        (DORNBACH, "http://www.dornbach.de/", True, "ok", 2, (3, 1, 2),
         {"instagram": ["stadtdornbach"]}, ["google-fonts", "google-maps"]),
        # Never reached: its findings are unknown, not absent.
        (ESCHENTAL, "http://www.eschental.de/", False, "connection_refused", None,
         (0, None, None),
         dict.fromkeys(("facebook", "instagram", "mastodon", "x", "youtube"), "not observed"),
         ["google-analytics", "google-fonts", "google-maps", "matomo"]),
    ]  # fmt: skip
